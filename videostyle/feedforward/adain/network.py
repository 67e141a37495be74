"""Adaptive instance normalization (Huang & Belongie 2017): any style in one pass, with a trained decoder.

The encoder is a project backbone cut at one layer; AdaIN gives the content features the style
features' per-channel mean and standard deviation; a decoder trained by ``adain_train`` turns the
result back into an image. The style enters only as those statistics, so a blend of styles is a
blend of statistics, and ``alpha`` moves from the content's own statistics (alpha 0: the decoder's
reconstruction of the content) to the style's.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from ...backbones import Backbone
from ..alpha import Alpha, with_alpha

EPS = 1e-5
DEFAULT_LAYERS = {"efficientnet-lite0": "block4", "vgg19": "relu4_1", "vgg16": "relu4_1"}
MIN_DECODER_CHANNELS = 32


def feature_stats(features: torch.Tensor) -> torch.Tensor:
    """(N, C, H, W) -> (N, 2C): per-channel mean, then standard deviation (biased, + EPS for stability)."""
    var, mean = torch.var_mean(features, dim=(2, 3), correction=0)
    return torch.cat([mean, (var + EPS).sqrt()], dim=1)


def adain(content: torch.Tensor, style_stats: torch.Tensor) -> torch.Tensor:
    """Content features normalized per channel, then given the style's mean and std ((N or 1, 2C) stats)."""
    mean, std = style_stats.to(content.dtype)[:, :, None, None].chunk(2, dim=1)
    return F.instance_norm(content, eps=EPS) * std + mean


class Decoder(nn.Module):
    """Features at stride 2^k -> RGB: k stages of (3x3 conv halving channels, nearest x2, 3x3 conv), then RGB.

    Reflection padding and nearest upsampling as in Huang & Belongie (no transposed-conv checkerboards).
    """

    def __init__(self, channels: int, stride: int) -> None:
        super().__init__()
        self.channels, self.stride = channels, stride
        layers: list[nn.Module] = []
        cin = channels
        for _ in range(int(math.log2(stride))):
            cout = max(MIN_DECODER_CHANNELS, cin // 2)
            layers += [_conv(cin, cout), nn.ReLU(), nn.Upsample(scale_factor=2, mode="nearest"), _conv(cout, cout), nn.ReLU()]
            cin = cout
        layers += [_conv(cin, 3)]
        self.body = nn.Sequential(*layers)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.body(features)


def _conv(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(nn.ReflectionPad2d(1), nn.Conv2d(cin, cout, 3))


def probe_encoder(encoder: Backbone, layer: str) -> tuple[int, int]:
    """(channels, stride) of ``layer``, measured on a small blank image."""
    with torch.no_grad():
        feats = encoder(torch.zeros(1, 3, 64, 64, device=encoder.normalize.mean.device), [layer])[layer]
    return feats.shape[1], 64 // feats.shape[-1]


class AdaINNetwork(nn.Module):
    """``forward(images, style_stats)`` -> stylized images of the same size; ``encode_style`` makes the stats."""

    def __init__(self, encoder: Backbone, layer: str, decoder: Decoder, alpha: float = 1.0) -> None:
        super().__init__()
        self.encoder = encoder.truncated([layer])
        self.layer = layer
        self.decoder = decoder
        self.alpha: Alpha = alpha  # a number, or one per image of the next batch (--alpha-at)

    def features(self, images: torch.Tensor) -> torch.Tensor:
        return self.encoder(images, [self.layer])[self.layer]

    def encode_style(self, image: torch.Tensor) -> torch.Tensor:
        return feature_stats(self.features(image))

    def forward(self, images: torch.Tensor, style_stats: torch.Tensor) -> torch.Tensor:
        h, w = images.shape[-2:]
        multiple = self.decoder.stride
        pad_h, pad_w = -h % multiple, -w % multiple
        x = F.pad(images, (0, pad_w, 0, pad_h), mode="reflect") if pad_h or pad_w else images
        content = self.features(x)
        target = adain(content, style_stats)
        target = with_alpha(self.alpha, target, lambda: content)
        return self.decoder(target)[..., :h, :w]
