"""Image priors for activation maximization and inversion: they keep optimized images natural.

Each is a mean over pixels (so a weight does not depend on the image size) of the image measured
from a ``center`` (mid-grey by default, the analogue of the mean-subtracted images of the papers).
Total variation lives in tv.py; these are the norm priors:

- ``L2``: Simonyan et al.'s weight decay on the image, which keeps colors from saturating.
- ``PNorm``: Mahendran & Vedaldi's α-norm of (x - center) / scale: with a high α (6) it leaves
  pixels inside the range alone and stops a few from blowing up. cnn-vis adds an auxiliary one
  with its own α and scale: a second PNorm with another ``name`` keeps the two apart in progress.

They see the image the network sees (after jitter or tiling), so they hold no per-pixel reference.
"""

from __future__ import annotations

import torch

from ..errors import OptionError
from .base import Features, Objective


class L2(Objective):
    """Mean of (x - center)²."""

    name = "l2"

    def __init__(self, center: float = 0.5) -> None:
        super().__init__()
        self.center = center

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        return (image - self.center).pow(2).mean()


def p_norm(x: torch.Tensor, alpha: float, scale: float = 1.0) -> torch.Tensor:
    """Mean of |x / scale|^α (the α-th power of the α-norm, per element)."""
    return (x / scale).abs().pow(alpha).mean()


class PNorm(Objective):
    """Mean of |(x - center) / scale|^α."""

    def __init__(
        self,
        alpha: float = 6.0,
        scale: float = 0.5,
        center: float = 0.5,
        name: str = "pnorm",
    ) -> None:
        super().__init__()
        if alpha < 1:
            raise OptionError(f"p-norm exponent must be at least 1, got {alpha}")
        if scale <= 0:
            raise OptionError(f"p-norm scale must be positive, got {scale}")
        self.alpha, self.scale, self.center = alpha, scale, center
        self.name = name

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        return p_norm(image - self.center, self.alpha, self.scale)
