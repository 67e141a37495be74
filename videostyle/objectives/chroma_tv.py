"""Total variation of the chroma alone: removes colored pixel speckle but leaves luminance edges.

A painting's strokes and outlines are mostly changes of lightness; the speckle that per-pixel
optimization leaves is mostly changes of hue between neighbouring pixels. Penalizing the gradients
of the YIQ chroma channels (I, Q) hard and the luminance not at all cleans the one without blurring
the other.
"""

from __future__ import annotations

import torch

from ..color import RGB_TO_YIQ
from ..constants import Constant
from .base import Features, Objective
from .tv import total_variation

_RGB_TO_IQ = Constant(RGB_TO_YIQ[1:])  # the I and Q rows


def chroma(image: torch.Tensor) -> torch.Tensor:
    """(N,3,H,W) RGB -> (N,2,H,W) I and Q."""
    return torch.einsum("ij,njhw->nihw", _RGB_TO_IQ.like(image), image)


class ChromaTV(Objective):
    """Mean squared gradient of the image's chroma."""

    name = "chroma_tv"

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        return total_variation(chroma(image))
