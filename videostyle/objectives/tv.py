"""Total variation: a smoothness prior that removes high-frequency noise from optimized images.

The image gradient can be estimated three ways (cnn-vis's choices): ``naive`` forward differences,
``sobel`` (3x3 Sobel kernels, which smooth across the derivative and so penalize noise less
than edges), and ``sobel_squish`` (the Sobel idea squeezed onto a 2x2 support: a difference averaged
over two rows or columns, so it keeps the naive operator's reach with some of Sobel's smoothing).
"""

from __future__ import annotations

from typing import Literal

import torch
import torch.nn.functional as F

from ..constants import Constant
from ..errors import OptionError
from ..registry import Registry
from .base import Features, Objective

TVOperator = Literal["naive", "sobel", "sobel_squish"]


class ConvGradients:
    """dx and dy of an NCHW image per channel from a (k, k) x kernel and its transpose for y, as one
    grouped convolution (one kernel launch each way, against a subtraction per direction and a slice
    backward per operand)."""

    def __init__(self, kernel: torch.Tensor) -> None:
        self.kernels = torch.stack([kernel, kernel.t()]).unsqueeze(1)  # (2, 1, k, k)
        self._grouped: dict[int, Constant] = {}

    def stacked(self, image: torch.Tensor) -> torch.Tensor:
        """(N, 2C, h, w): dx, dy of every channel, interleaved."""
        c = image.shape[1]
        if c not in self._grouped:
            self._grouped[c] = Constant(self.kernels.repeat(c, 1, 1, 1))
        return F.conv2d(image, self._grouped[c].like(image), groups=c)

    def __call__(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        grads = self.stacked(image)
        return grads[:, 0::2], grads[:, 1::2]


TV_GRADIENTS: Registry[ConvGradients] = Registry("TV operator")
"""NCHW image -> (dx, dy) per channel, on the operator's 'valid' region."""

TV_GRADIENTS.register("naive", ConvGradients(torch.tensor([[-1.0, 1.0], [0.0, 0.0]])))  # forward differences
TV_GRADIENTS.register("sobel", ConvGradients(torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]) / 8))
TV_GRADIENTS.register("sobel_squish", ConvGradients(torch.tensor([[-1.0, 1.0], [-1.0, 1.0]]) / 2))
TV_OPERATORS: tuple[str, ...] = TV_GRADIENTS.names()


def image_gradients(image: torch.Tensor, operator: str = "naive") -> tuple[torch.Tensor, torch.Tensor]:
    """(dx, dy) of an NCHW image per channel, on the 'valid' region of the operator."""
    return TV_GRADIENTS[operator](image)


def total_variation(image: torch.Tensor, beta: float = 2.0, operator: str = "naive") -> torch.Tensor:
    """Mean over pixels of (dx² + dy²)^(β/2); β=2 is the plain squared-difference form.

    β < 2 (Mahendran & Vedaldi use 1 to 2) tolerates sharp edges while still removing speckle.
    """
    if beta == 2.0:  # mean(dx² + dy²) is twice the mean square of dx and dy stacked
        return TV_GRADIENTS[operator].stacked(image).pow(2).mean() * 2
    dx, dy = image_gradients(image, operator)
    return (dx.pow(2) + dy.pow(2) + 1e-8).pow(beta / 2).mean()


class TotalVariation(Objective):
    name = "tv"

    def __init__(self, beta: float = 2.0, operator: str = "naive") -> None:
        super().__init__()
        TV_GRADIENTS.check(operator)
        if beta <= 0:
            raise OptionError(f"TV exponent beta must be positive, got {beta}")
        self.beta = beta
        self.operator = operator

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        return total_variation(image, self.beta, self.operator)
