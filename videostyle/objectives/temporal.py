"""Temporal loss (Ruder, Dosovitskiy & Brox 2016): stay close to the previous stylized frame(s), warped
into this frame by optical flow, wherever the flow can be trusted.

Image-space only (reads no backbone layer). Several targets (long-term consistency) each carry their
own per-pixel weights; the loss is sum_j mean(c_j * (x - w_j)²), the paper's 1/D normalization.
"""

from __future__ import annotations

import torch

from .base import Features, Objective


class TemporalLoss(Objective):
    """Weighted squared difference to warped previous results: targets (J,3,H,W), weights (J,1,H,W) in [0,1]."""

    name = "temporal"
    layers = ()

    def __init__(self, targets: torch.Tensor, weights: torch.Tensor) -> None:
        super().__init__()
        if targets.dim() != 4 or weights.shape[0] != targets.shape[0] or weights.shape[-2:] != targets.shape[-2:]:
            raise ValueError(f"targets {tuple(targets.shape)} and weights {tuple(weights.shape)} do not match")
        self.register_buffer("targets", targets.detach())
        self.register_buffer("weights", weights.detach())

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        diff = (image - self.targets).pow(2) * self.weights
        return diff.sum() / image[0].numel()
