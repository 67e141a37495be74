"""Tiny hand-weighted backbones whose gradients can be worked out on paper."""

from __future__ import annotations

import torch
from torch import nn

from videostyle.backbones import Backbone, Normalize


def identity_normalize() -> Normalize:
    return Normalize((0.0, 0.0, 0.0), (1.0, 1.0, 1.0))


def relu_mlp(rectifier: nn.Module) -> tuple[Backbone, torch.Tensor, torch.Tensor]:
    """image (1,3,1,2) -> flatten(6) -> fc1 (4 units) -> rectifier -> logits (2); returns (net, W1, W2)."""
    w1 = torch.tensor(
        [
            [1.0, -1.0, 0.5, 0.0, 2.0, -0.5],
            [-1.0, 0.5, 0.0, 1.0, -2.0, 0.5],
            [0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
            [4.0, 4.0, 4.0, 4.0, 4.0, 4.0],
        ]
    )
    w2 = torch.tensor([[1.0, 2.0, -1.0, 0.5], [-1.0, 1.0, 2.0, -0.5]])
    fc1 = nn.Linear(6, 4, bias=False)
    fc2 = nn.Linear(4, 2, bias=False)
    with torch.no_grad():
        fc1.weight.copy_(w1)
        fc2.weight.copy_(w2)
    stages = [("fc1", nn.Sequential(nn.Flatten(1), fc1)), ("act", rectifier), ("logits", fc2)]
    return Backbone("tiny-mlp", stages, identity_normalize(), ["zero", "one"]), w1, w2


def conv_pool_net() -> Backbone:
    """VGG-like: 1x1 conv picking the red channel, ReLU, 2x2 max-pool, one logit = 2 x pooled value."""
    conv = nn.Conv2d(3, 1, 1, bias=False)
    fc = nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([1.0, 0.0, 0.0]).view(1, 3, 1, 1))
        fc.weight.fill_(2.0)
    stages = [
        ("conv1", conv),
        ("relu1", nn.ReLU()),
        ("pool1", nn.MaxPool2d(2)),
        ("logits", nn.Sequential(nn.Flatten(1), fc)),
    ]
    return Backbone("tiny-vgg", stages, identity_normalize(), ["only"])


def conv_net(seed: int = 0, size: int = 8) -> Backbone:
    """A small random conv net (two conv+ReLU stages and a classifier) for optimization tests."""
    torch.manual_seed(seed)
    stages = [
        ("conv1", nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), nn.ReLU())),
        ("conv2", nn.Sequential(nn.Conv2d(6, 8, 3, padding=1, stride=2), nn.ReLU())),
        ("logits", nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(1), nn.Linear(8, 5))),
    ]
    return Backbone("tiny-conv", stages, identity_normalize(), [f"class{i}" for i in range(5)])
