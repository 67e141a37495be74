"""Content loss (Gatys et al. 2016): keep the features of a layer close to the content image's."""

from __future__ import annotations

import torch

from .base import Features, Objective


def relative_mse(x: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """||x - t||² / ||t||²: scale-free, so one set of weights serves backbones whose activations differ 100x."""
    return (x - target).pow(2).sum() / target.pow(2).sum().clamp_min(1e-8)


class ContentLoss(Objective):
    """Relative squared error between the features of ``layer`` and a stored target."""

    name = "content"

    def __init__(self, layer: str, target: torch.Tensor) -> None:
        super().__init__()
        self.layers = (layer,)
        self.register_buffer("target", target.detach())

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        return relative_mse(feats[self.layers[0]], self.target)
