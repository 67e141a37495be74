"""Total variation of the chroma alone: removes colored pixel speckle but leaves luminance edges.

A painting's strokes and outlines are mostly changes of lightness; the speckle that per-pixel
optimization leaves is mostly changes of hue between neighbouring pixels. Penalizing the gradients
of the YIQ chroma channels (I, Q) hard and the luminance not at all cleans the one without blurring
the other.
"""

from __future__ import annotations

import torch

from ..constants import Constant
from .base import Features, Objective
from .tv import total_variation

# The I and Q rows of the NTSC RGB -> YIQ matrix.
_RGB_TO_IQ = Constant(torch.tensor([[0.595716, -0.274453, -0.321263], [0.211456, -0.522591, 0.311135]]))


def chroma(image: torch.Tensor) -> torch.Tensor:
    """(N,3,H,W) RGB -> (N,2,H,W) I and Q."""
    return torch.einsum("ij,njhw->nihw", _RGB_TO_IQ.like(image), image)


class ChromaTV(Objective):
    """Mean squared gradient of the image's chroma."""

    name = "chroma_tv"

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        return total_variation(chroma(image))
