"""Total variation: a smoothness prior that removes high-frequency noise from optimized images.

The image gradient can be estimated three ways (cnn-vis's choices): ``naive`` forward differences,
``sobel`` (3x3 Sobel kernels, which smooth across the derivative and so penalize noise less
than edges), and ``sobel_squish`` (the Sobel idea squeezed onto a 2x2 support: a difference averaged
over two rows or columns, so it keeps the naive operator's reach with some of Sobel's smoothing).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import torch
import torch.nn.functional as F

from ..constants import Constant
from ..errors import OptionError
from ..registry import Registry
from .base import Features, Objective

TVOperator = Literal["naive", "sobel", "sobel_squish"]
Gradients = Callable[[torch.Tensor], tuple[torch.Tensor, torch.Tensor]]
"""NCHW image -> (dx, dy) per channel, on the operator's 'valid' region."""

TV_GRADIENTS: Registry[Gradients] = Registry("TV operator")


@TV_GRADIENTS.register("naive")
def _forward_differences(image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    return image[..., :-1, 1:] - image[..., :-1, :-1], image[..., 1:, :-1] - image[..., :-1, :-1]


def _convolved(kernel: torch.Tensor) -> Gradients:
    """The gradients of a (k, k) x kernel and its transpose for y."""
    weights = Constant(torch.stack([kernel, kernel.t()]).unsqueeze(1))  # (2, 1, k, k)

    def gradients(image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        c = image.shape[1]
        grads = F.conv2d(image, weights.like(image).repeat(c, 1, 1, 1), groups=c)  # (2C, 1, k, k): dx, dy per channel
        return grads[:, 0::2], grads[:, 1::2]

    return gradients


TV_GRADIENTS.register("sobel", _convolved(torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]) / 8))
TV_GRADIENTS.register("sobel_squish", _convolved(torch.tensor([[-1.0, 1.0], [-1.0, 1.0]]) / 2))
TV_OPERATORS: tuple[str, ...] = TV_GRADIENTS.names()


def image_gradients(image: torch.Tensor, operator: str = "naive") -> tuple[torch.Tensor, torch.Tensor]:
    """(dx, dy) of an NCHW image per channel, on the 'valid' region of the operator."""
    return TV_GRADIENTS[operator](image)


def total_variation(image: torch.Tensor, beta: float = 2.0, operator: str = "naive") -> torch.Tensor:
    """Mean over pixels of (dx² + dy²)^(β/2); β=2 is the plain squared-difference form.

    β < 2 (Mahendran & Vedaldi use 1 to 2) tolerates sharp edges while still removing speckle.
    """
    dx, dy = image_gradients(image, operator)
    sq = dx.pow(2) + dy.pow(2)
    return sq.mean() if beta == 2.0 else (sq + 1e-8).pow(beta / 2).mean()


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
