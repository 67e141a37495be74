"""Total variation of the chroma alone: removes colored pixel speckle but leaves luminance edges.

A painting's strokes and outlines are mostly changes of lightness; the speckle that per-pixel
optimization leaves is mostly changes of hue between neighbouring pixels. Penalizing the gradients
of the YIQ chroma channels (I, Q) hard and the luminance not at all cleans the one without blurring
the other.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..color import RGB_TO_YIQ
from ..constants import Constant
from .base import Features, Objective
from .tv import TV_GRADIENTS

_CHROMA_GRADIENTS = Constant(
    torch.einsum("ic,dkhw->idchw", RGB_TO_YIQ[1:], TV_GRADIENTS["naive"].kernels).reshape(4, 3, 2, 2)
)
"""Forward differences dI/dx, dI/dy, dQ/dx, dQ/dy straight from RGB: the chroma (YIQ's I and Q rows) is
linear in RGB, so is its gradient."""


class ChromaTV(Objective):
    """Mean squared gradient of the image's chroma."""

    name = "chroma_tv"

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        """The naive ``total_variation`` of the I and Q channels, in one convolution (four kernel launches
        in all, against eight for converting to YIQ first)."""
        return F.conv2d(image, _CHROMA_GRADIENTS.like(image)).pow(2).mean() * 2
