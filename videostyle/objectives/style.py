"""Gram-matrix style loss (Gatys et al. 2016)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch

from .base import Features, Objective
from .content import inverse_energy, squared_error


def gram(features: torch.Tensor) -> torch.Tensor:
    """(N, C, H, W) -> (N, C, C) channel correlations averaged over positions, so any image size compares."""
    n, c, h, w = features.shape
    flat = features.reshape(n, c, h * w)
    return flat @ flat.transpose(1, 2) / (h * w)


def blended_grams(per_style: Sequence[Mapping[str, torch.Tensor]], weights: Sequence[float]) -> dict[str, torch.Tensor]:
    """Mix several styles by a weighted average of their Gram matrices, or of any statistics that are
    averages over positions (weights are normalized): the statistics of the styles' pooled features."""
    total = float(sum(weights))
    return {
        layer: sum(w / total * grams[layer] for w, grams in zip(weights, per_style))  # type: ignore[misc]
        for layer in per_style[0]
    }


class StyleLoss(Objective):
    """Sum over layers of the relative squared error between Gram matrices and stored targets.

    The loss is a function of ``statistics``, which are averages over positions: a large image's are
    the area-weighted mean of its tiles' (``pooled`` says so), and tiled code uses ``loss`` on them.
    """

    name = "style"
    pooled = True

    def __init__(self, targets: Mapping[str, torch.Tensor], layer_weights: Mapping[str, float] | None = None) -> None:
        super().__init__()
        self.layers = tuple(targets)
        self.layer_weights = {layer: 1.0 / len(self.layers) for layer in self.layers}
        if layer_weights:
            self.layer_weights.update(layer_weights)
        for i, layer in enumerate(self.layers):
            self.register_buffer(f"target{i}", targets[layer].detach())
        # each layer's weight over its target's energy, so that the loss is one dot product of squared errors
        scales = [self.layer_weights[layer] * inverse_energy(targets[layer].detach()) for layer in self.layers]
        self.register_buffer("scales", torch.stack(scales) if scales else torch.zeros(0))

    @staticmethod
    def statistics(feats: Features, layers: Sequence[str]) -> dict[str, torch.Tensor]:
        return {layer: gram(feats[layer]) for layer in layers}

    def loss(self, stats: Mapping[str, torch.Tensor]) -> torch.Tensor:
        """Σ_layers weight · ||G - T||² / ||T||²."""
        errors = [squared_error(stats[layer], getattr(self, f"target{i}")) for i, layer in enumerate(self.layers)]
        return torch.stack(errors) @ self.scales

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        return self.loss(self.statistics(feats, self.layers))
