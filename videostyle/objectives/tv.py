"""Total variation: a smoothness prior that removes high-frequency noise from optimized images."""

from __future__ import annotations

import torch

from .base import Features, Objective


def total_variation(image: torch.Tensor, beta: float = 2.0) -> torch.Tensor:
    """Mean over pixels of (dx² + dy²)^(β/2); β=2 is the plain squared-difference form."""
    dx = image[..., :-1, 1:] - image[..., :-1, :-1]
    dy = image[..., 1:, :-1] - image[..., :-1, :-1]
    sq = dx.pow(2) + dy.pow(2)
    return sq.mean() if beta == 2.0 else (sq + 1e-8).pow(beta / 2).mean()


class TotalVariation(Objective):
    name = "tv"

    def __init__(self, beta: float = 2.0) -> None:
        super().__init__()
        self.beta = beta

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        return total_variation(image, self.beta)
