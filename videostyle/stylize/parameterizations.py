"""What the optimizer moves, by name (``StyleOptions.parameterization``): pyramid offsets or plain pixels.

Each factory takes the start image and, for warm video frames, ``rate`` (1,1,H,W) scaling each pixel's steps.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from ..optim.params import ImageParam, PixelImage, RatedPixelImage
from ..optim.pyramid import PyramidImage
from ..registry import Registry

ParamFactory = Callable[[torch.Tensor, torch.Tensor | None], ImageParam]

PARAMETERIZATION_FACTORIES: Registry[ParamFactory] = Registry("parameterization")


@PARAMETERIZATION_FACTORIES.register("pyramid")
def _pyramid(start: torch.Tensor, rate: torch.Tensor | None) -> ImageParam:
    """Laplacian-pyramid offsets: no colored speckle."""
    return PyramidImage(start, rate=PyramidImage.RATE if rate is None else PyramidImage.RATE * rate)


@PARAMETERIZATION_FACTORIES.register("pixels")
def _pixels(start: torch.Tensor, rate: torch.Tensor | None) -> ImageParam:
    """The plain pixels (Gatys)."""
    return PixelImage(start) if rate is None else RatedPixelImage(start, rate)
