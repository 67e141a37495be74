"""Temporal loss (Ruder, Dosovitskiy & Brox 2016): stay close to the previous stylized frame(s), warped
into this frame by optical flow, wherever the flow can be trusted.

Image-space only (reads no backbone layer). Several targets (long-term consistency) each carry their
own per-pixel weights; the loss is sum_j mean(c_j * (x - w_j)²), the paper's 1/D normalization.

``pool`` > 1 compares the images low-passed (the means of every pool x pool window of image, targets
and weights: sliding, not a fixed grid of blocks, whose gradient is constant over each block and paints
the blocks into the picture, and which would not move with the picture).
Why: a warp blurs (bilinear more than bicubic), and a loss that ties every pixel to the blurred warp
compounds that blur frame after frame, so the fine brush texture fades and the look drifts (issue 12).
Tied only at the coarse scale, each frame keeps its colors and shapes in place while the style loss is
free to keep the fine texture as sharp as frame 0's.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .base import Features, Objective


def low_pass(image: torch.Tensor, pool: int) -> torch.Tensor:
    """The mean of every pool x pool window inside the image (stride 1); the image itself for pool 1."""
    size = min(pool, *image.shape[-2:])
    return image if size == 1 else F.avg_pool2d(image, size, stride=1)


class TemporalLoss(Objective):
    """Weighted squared difference to warped previous results: targets (J,3,H,W), weights (J,1,H,W) in [0,1]."""

    name = "temporal"
    layers = ()

    def __init__(self, targets: torch.Tensor, weights: torch.Tensor, pool: int = 1) -> None:
        super().__init__()
        if targets.dim() != 4 or weights.shape[0] != targets.shape[0] or weights.shape[-2:] != targets.shape[-2:]:
            raise ValueError(f"targets {tuple(targets.shape)} and weights {tuple(weights.shape)} do not match")
        if pool < 1:
            raise ValueError(f"pool must be at least 1, not {pool}")
        self.pool = pool
        self.register_buffer("targets", low_pass(targets.detach(), pool))
        self.register_buffer("weights", low_pass(weights.detach(), pool))

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        image = low_pass(image, self.pool)
        diff = (image - self.targets).pow(2) * self.weights
        return diff.sum() / image[0].numel()
