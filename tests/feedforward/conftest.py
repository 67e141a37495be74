"""Fixtures for the feed-forward engine: a tiny backbone, tiny pictures and a tiny saved model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn

from videostyle.backbones import Backbone, Normalize
from videostyle.feedforward.johnson.model_file import ModelInfo, save_model
from videostyle.feedforward.johnson.network import ConditionalInstanceNorm, NetworkConfig, StyleNetwork
from videostyle.feedforward.options import TrainOptions

TINY_LAYERS = {"content_layers": ("c2",), "style_layers": ("c1", "c2")}


@pytest.fixture
def tiny_backbone() -> Backbone:
    """A two-stage random CNN: enough for content and Gram losses, a thousand times cheaper than a real one."""
    torch.manual_seed(0)
    stages = [
        ("c1", nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU())),
        ("c2", nn.Sequential(nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU())),
    ]
    return Backbone("tiny", stages, Normalize((0.5,) * 3, (0.5,) * 3))


@pytest.fixture
def tiny_options() -> TrainOptions:
    return TrainOptions(
        steps=4, size=32, batch_size=2, width_mult=0.125, checkpoint_every=2, preview_every=2, keep_checkpoint=True, **TINY_LAYERS
    )


@pytest.fixture
def pictures(tmp_path: Path) -> Path:
    """A folder of three small random-texture images."""
    folder = tmp_path / "pictures"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(3):
        Image.fromarray(rng.integers(0, 255, (40 + 4 * i, 56, 3), dtype=np.uint8)).save(folder / f"p{i}.png")
    return folder


@pytest.fixture
def stripes() -> torch.Tensor:
    """Bold red/blue diagonal stripes: a style far from any random texture."""
    y, x = torch.meshgrid(torch.arange(48), torch.arange(48), indexing="ij")
    band = ((x + y) // 6 % 2).float()
    return torch.stack([band, 0.1 * torch.ones_like(band), 1 - band])[None]


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    """A randomly initialised two-style model saved to disk."""
    torch.manual_seed(1)
    network = StyleNetwork(NetworkConfig(styles=2, width=0.125))
    with torch.no_grad():
        for module in network.modules():  # non-trivial per-style norms, so the two styles differ
            if isinstance(module, ConditionalInstanceNorm):
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.5, 0.5)
    info = ModelInfo(network.config, ("a", "b"), "tiny", {"steps": 0})
    return save_model(network, info, tmp_path / "model.safetensors")
