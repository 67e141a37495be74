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
from .style import gram


def covariance(mean: torch.Tensor, second: torch.Tensor) -> torch.Tensor:
    """Centered covariance from the mean (N, C) and the second moment (N, C, C) (the Gram matrix)."""
    return second - mean.unsqueeze(2) @ mean.unsqueeze(1)


class MomentStyleLoss(Objective):
    """Sum over layers of relative errors of the channel means and of the centered covariances.

    Its ``statistics`` are the mean and the second moment, both averages over positions, so a large
    image's are the area-weighted mean of its tiles' (``pooled``), and so are a blend of styles'.
    """

    name = "style"
    pooled = True

    def __init__(self, stats: Mapping[str, torch.Tensor]) -> None:
        """``stats``: the target ``statistics`` (``layer.mean`` and ``layer.second`` for each layer)."""
        super().__init__()
        self.layers = tuple(dict.fromkeys(key.rsplit(".", 1)[0] for key in stats))
        for i, layer in enumerate(self.layers):
            mean = stats[f"{layer}.mean"].detach()
            self.register_buffer(f"mean{i}", mean)
            self.register_buffer(f"cov{i}", covariance(mean, stats[f"{layer}.second"].detach()))

    @staticmethod
    def statistics(feats: Features, layers: Sequence[str]) -> dict[str, torch.Tensor]:
        stats = {}
        for layer in layers:
            stats[f"{layer}.mean"] = feats[layer].mean(dim=(2, 3))
            stats[f"{layer}.second"] = gram(feats[layer])
        return stats

    def loss(self, stats: Mapping[str, torch.Tensor]) -> torch.Tensor:
        total = torch.zeros((), device=self.mean0.device)
        for i, layer in enumerate(self.layers):
            mean = stats[f"{layer}.mean"]
            total = total + relative_mse(mean, getattr(self, f"mean{i}"))
            total = total + relative_mse(covariance(mean, stats[f"{layer}.second"]), getattr(self, f"cov{i}"))
        return total / len(self.layers)

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        return self.loss(self.statistics(feats, self.layers))
