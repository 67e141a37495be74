"""TensorFlow-style "SAME" convolution padding.

The EfficientNet-Lite weights were trained in TensorFlow, where a stride-2 convolution pads more on the
bottom/right than on the top/left. PyTorch's symmetric padding shifts every feature map by half a pixel
and costs accuracy, so the padding is computed from the input size at each call.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """Return (before, after) padding so that output size is ceil(size / stride)."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class SameConv2d(nn.Conv2d):
    """nn.Conv2d with TF "SAME" padding (weights load under the usual Conv2d parameter names)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        kh, kw = self.kernel_size
        sh, sw = self.stride
        top, bottom = same_padding(x.shape[-2], kh, sh)
        left, right = same_padding(x.shape[-1], kw, sw)
        if top or bottom or left or right:
            x = F.pad(x, (left, right, top, bottom))
        return F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)
