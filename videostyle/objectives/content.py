"""Content loss (Gatys et al. 2016): keep the features of a layer close to the content image's."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .base import Features, Objective


def inverse_energy(target: torch.Tensor) -> torch.Tensor:
    """1 / ||t||² (0-dim): what ``relative_mse`` divides by, computed once where the target is fixed."""
    return target.pow(2).sum().clamp_min(1e-8).reciprocal()


def squared_error(x: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """||x - t||² in one kernel each way (mse_loss), the target broadcast to ``x``'s shape as a view."""
    return F.mse_loss(x, target.expand_as(x), reduction="sum")


def relative_mse(x: torch.Tensor, target: torch.Tensor, inverse: torch.Tensor | None = None) -> torch.Tensor:
    """||x - t||² / ||t||²: scale-free, so one set of weights serves backbones whose activations differ 100x.

    ``inverse`` is ``inverse_energy(target)`` where the caller keeps it: the loss then costs two kernels
    a step instead of seven (an optimization step on a large GPU is launch-bound)."""
    return squared_error(x, target) * (inverse_energy(target) if inverse is None else inverse)


class ContentLoss(Objective):
    """Relative squared error between the features of ``layer`` and a stored target."""

    name = "content"

    def __init__(self, layer: str, target: torch.Tensor) -> None:
        super().__init__()
        self.layers = (layer,)
        self.register_buffer("target", target.detach())
        self.register_buffer("inverse", inverse_energy(self.target))

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        return relative_mse(feats[self.layers[0]], self.target, self.inverse)
