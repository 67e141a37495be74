"""Total variation: a smoothness prior that removes high-frequency noise from optimized images.

The image gradient can be estimated three ways (cnn-vis's choices): ``naive`` forward differences,
``sobel`` (3x3 Sobel kernels, which smooth across the derivative and so penalize noise less
than edges), and ``sobel_squish`` (the Sobel idea squeezed onto a 2x2 support: a difference averaged
over two rows or columns, so it keeps the naive operator's reach with some of Sobel's smoothing).
"""

from __future__ import annotations

from typing import Literal, get_args

import torch
import torch.nn.functional as F

from ..constants import Constant
from ..errors import OptionError
from .base import Features, Objective

TVOperator = Literal["naive", "sobel", "sobel_squish"]
TV_OPERATORS: tuple[str, ...] = get_args(TVOperator)

# (2, 1, k, k): the x and y kernels of each operator
_SOBEL = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]) / 8
_SQUISH = torch.tensor([[-1.0, 1.0], [-1.0, 1.0]]) / 2
_KERNELS = {name: Constant(torch.stack([k, k.t()]).unsqueeze(1)) for name, k in (("sobel", _SOBEL), ("sobel_squish", _SQUISH))}


def image_gradients(image: torch.Tensor, operator: str = "naive") -> tuple[torch.Tensor, torch.Tensor]:
    """(dx, dy) of an NCHW image per channel, on the 'valid' region of the operator."""
    if operator == "naive":
        return image[..., :-1, 1:] - image[..., :-1, :-1], image[..., 1:, :-1] - image[..., :-1, :-1]
    if operator not in TV_OPERATORS:
        raise OptionError(f"unknown TV operator {operator!r}; choose one of {', '.join(TV_OPERATORS)}")
    c = image.shape[1]
    weight = _KERNELS[operator].like(image).repeat(c, 1, 1, 1)  # (2C, 1, k, k): dx, dy per channel
    grads = F.conv2d(image, weight, groups=c)
    return grads[:, 0::2], grads[:, 1::2]


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
        if operator not in TV_OPERATORS:
            raise OptionError(f"unknown TV operator {operator!r}; choose one of {', '.join(TV_OPERATORS)}")
        if beta <= 0:
            raise OptionError(f"TV exponent beta must be positive, got {beta}")
        self.beta = beta
        self.operator = operator

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        return total_variation(image, self.beta, self.operator)
