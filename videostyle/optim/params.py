"""Image parameterizations: what the optimizer actually changes to produce an image.

Every parameterization is a module whose forward returns an RGB image in [0,1], NCHW, and whose
``project`` restores validity after an optimizer step. Pixels are the plain choice; others (a
decorrelated Fourier basis, say) plug into the same loop.
"""

from __future__ import annotations

import torch
from torch import nn


class ImageParam(nn.Module):
    """Base class for parameterizations."""

    def forward(self) -> torch.Tensor:  # pragma: no cover - abstract
        raise NotImplementedError

    @torch.no_grad()
    def project(self) -> None:
        """Called after each optimizer step; default: nothing to restore."""


class PixelImage(ImageParam):
    """The pixels themselves, clipped back into [0,1] after each step."""

    def __init__(self, init: torch.Tensor) -> None:
        super().__init__()
        self.pixels = nn.Parameter(init.detach().clone().clamp_(0, 1))

    def forward(self) -> torch.Tensor:
        return self.pixels

    @torch.no_grad()
    def project(self) -> None:
        self.pixels.clamp_(0, 1)
