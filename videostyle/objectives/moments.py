"""Mean + covariance style loss: match each channel's mean and the centered channel covariance.

A Gram matrix mixes the two (G = Σ + μμᵀ); with the non-negative, peaky activations of
EfficientNet's swish layers the μμᵀ part dominates, so a Gram loss is nearly satisfied by the right
average activation and barely asks for the style's texture. Matching the mean and the centered
covariance separately (each relative to its own target) gives the texture its own say.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch

from .base import Features, Objective
from .content import relative_mse


def channel_moments(features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(N, C, H, W) -> mean (N, C) and centered covariance (N, C, C), averaged over positions."""
    n, c, h, w = features.shape
    flat = features.reshape(n, c, h * w)
    mean = flat.mean(dim=2)
    centered = flat - mean.unsqueeze(2)
    return mean, centered @ centered.transpose(1, 2) / (h * w)


def blended_moments(
    per_style: Sequence[Mapping[str, torch.Tensor]], weights: Sequence[float]
) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """Moments of the mixture of several styles' feature distributions (weights normalized)."""
    total = float(sum(weights))
    out: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}
    for layer in per_style[0]:
        moments = [channel_moments(feats[layer]) for feats in per_style]
        mean = sum(w / total * m for w, (m, _) in zip(weights, moments))
        second = sum(w / total * (cov + m.unsqueeze(2) @ m.unsqueeze(1)) for w, (m, cov) in zip(weights, moments))
        out[layer] = (mean, second - mean.unsqueeze(2) @ mean.unsqueeze(1))  # type: ignore[operator]
    return out


class MomentStyleLoss(Objective):
    """Sum over layers of relative errors of the channel means and of the centered covariances."""

    name = "style"

    def __init__(self, targets: Mapping[str, tuple[torch.Tensor, torch.Tensor]]) -> None:
        super().__init__()
        self.layers = tuple(targets)
        for i, layer in enumerate(self.layers):
            self.register_buffer(f"mean{i}", targets[layer][0].detach())
            self.register_buffer(f"cov{i}", targets[layer][1].detach())

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        total = torch.zeros((), device=feats[self.layers[0]].device)
        for i, layer in enumerate(self.layers):
            mean, cov = channel_moments(feats[layer])
            total = total + relative_mse(mean, getattr(self, f"mean{i}")) + relative_mse(cov, getattr(self, f"cov{i}"))
        return total / len(self.layers)
