"""The image transformation network of Johnson et al. (2016) with conditional instance norm.

One forward pass stylizes a whole frame, so video runs at network speed instead of optimization
speed. Every normalization layer keeps one (gamma, beta) pair per style (Dumoulin et al. 2017):
the convolutions are shared, and a style is chosen, or several blended, by mixing those pairs.
Upsampling is nearest-neighbour resize + convolution rather than transposed convolution, which
leaves checkerboard artifacts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ...errors import OptionError
from .half_norm import instance_norm_half, takes_half_norm

BASE_CHANNELS = (32, 64, 128)
RESIDUAL_BLOCKS = 5
_MULTIPLE = 4  # two stride-2 convolutions: sizes must divide by 4 to come back unchanged


@dataclass(frozen=True)
class NetworkConfig:
    """What fixes the network's shape: how many styles and how wide (1.0 = Johnson's 32/64/128 channels)."""

    styles: int = 1
    width: float = 1.0

    def __post_init__(self) -> None:
        if not 1 <= self.styles <= 256:
            raise OptionError(f"a model holds 1..256 styles, not {self.styles}")
        if not 0.125 <= self.width <= 4:
            raise OptionError(f"--width-mult {self.width} is out of range 0.125..4")

    @property
    def channels(self) -> tuple[int, int, int]:
        c1, c2, c3 = (max(8, round(c * self.width)) for c in BASE_CHANNELS)
        return c1, c2, c3


class ConditionalInstanceNorm(nn.Module):
    """Instance norm whose affine parameters are a weighted mix of per-style rows.

    Statistics, normalization and, when all images share one style row, the affine run in one fused
    kernel; per-image rows take one more fused multiply-add. The kernel is ``F.group_norm`` with one channel per group, which is instance
    norm exactly; on the CPU it measured several times faster than both ``var_mean`` arithmetic
    and ``F.instance_norm`` (a batch norm over a reshaped tensor).
    """

    def __init__(self, channels: int, styles: int, eps: float = 1e-5) -> None:
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(styles, channels))
        self.bias = nn.Parameter(torch.zeros(styles, channels))

    def forward(self, x: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        """``style``: (N, S) or (1, S) mixing weights, one row per image (rows sum to 1)."""
        if takes_half_norm(x):  # fp16/bf16 on CUDA, inference or training: in the half dtype and channels_last, see half_norm
            return instance_norm_half(x, style, self.weight, self.bias, self.eps)
        if _slow_narrow_layout(x):
            return self(x.contiguous(), style).contiguous(memory_format=torch.channels_last)
        gamma = style.to(self.weight.dtype) @ self.weight
        beta = style.to(self.bias.dtype) @ self.bias
        if gamma.shape[0] == 1:  # one style for every image: the kernel applies the affine in the same pass
            return F.group_norm(x, x.shape[1], gamma[0].to(x.dtype), beta[0].to(x.dtype), self.eps)
        normalized = F.group_norm(x, x.shape[1], eps=self.eps)
        gamma, beta = (v[:, :, None, None].to(normalized.dtype) for v in (gamma, beta))
        return torch.addcmul(beta, normalized, gamma)


def _slow_narrow_layout(x: torch.Tensor) -> bool:
    """A bf16 channels_last activation of 8 channels or fewer on the CPU: there ``group_norm``'s
    channels-last kernel took 3-8x the CPU time of a copy to NCHW, the NCHW kernel and a copy back
    (the Magenta networks' last layers have 8, 4 and 3 channels at full resolution)."""
    return (
        x.device.type == "cpu" and x.dtype == torch.bfloat16 and x.shape[1] <= 8
        and x.is_contiguous(memory_format=torch.channels_last) and not x.is_contiguous()
    )


class ConvLayer(nn.Module):
    """Reflection pad -> conv -> conditional instance norm -> optional ReLU; optionally upsample first."""

    def __init__(
        self, cin: int, cout: int, kernel: int, styles: int, stride: int = 1, relu: bool = True, upsample: bool = False
    ) -> None:
        super().__init__()
        self.upsample = upsample
        self.pad = nn.ReflectionPad2d(kernel // 2)
        self.conv = nn.Conv2d(cin, cout, kernel, stride)
        self.norm = ConditionalInstanceNorm(cout, styles)
        self.relu = relu

    def forward(self, x: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        if self.upsample:
            x = F.interpolate(x, scale_factor=2, mode="nearest")
        x = self.norm(self.conv(self.pad(x)), style)
        return F.relu_(x) if self.relu else x  # in place: the norm's output is this layer's own


class ResidualBlock(nn.Module):
    def __init__(self, channels: int, styles: int) -> None:
        super().__init__()
        self.first = ConvLayer(channels, channels, 3, styles)
        self.second = ConvLayer(channels, channels, 3, styles, relu=False)

    def forward(self, x: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        return self.second(self.first(x, style), style).add_(x)  # in place: a fresh tensor, one pass fewer


class StyleNetwork(nn.Module):
    """RGB [0,1] (N,3,H,W) -> stylized RGB [0,1] of the same size, for style weights (N or 1, S)."""

    def __init__(self, config: NetworkConfig = NetworkConfig()) -> None:
        super().__init__()
        self.config = config
        c1, c2, c3 = config.channels
        s = config.styles
        self.layers = nn.ModuleList(
            [
                ConvLayer(3, c1, 9, s),
                ConvLayer(c1, c2, 3, s, stride=2),
                ConvLayer(c2, c3, 3, s, stride=2),
                *(ResidualBlock(c3, s) for _ in range(RESIDUAL_BLOCKS)),
                ConvLayer(c3, c2, 3, s, upsample=True),
                ConvLayer(c2, c1, 3, s, upsample=True),
            ]
        )
        self.out_pad = nn.ReflectionPad2d(4)
        self.out_conv = nn.Conv2d(c1, 3, 9)

    def trace_key(self) -> tuple[()]:
        """Nothing beyond the inputs' shapes decides the forward (see feedforward.traced)."""
        return ()

    def forward(self, image: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        h, w = image.shape[-2:]
        pad_h, pad_w = -h % _MULTIPLE, -w % _MULTIPLE
        x = F.pad(image, (0, pad_w, 0, pad_h), mode="replicate") if pad_h or pad_w else image
        x = x * 2 - 1
        for layer in self.layers:
            x = layer(x, style)
        x = torch.sigmoid(self.out_conv(self.out_pad(x)))
        return x[..., :h, :w]


def style_weights(styles: int, index: int | None = None, mix: Sequence[float] | None = None) -> torch.Tensor:
    """(1, S) mixing weights: one style by index, a normalized blend, or style 0 by default."""
    if index is not None and mix is not None:
        raise OptionError("give either --style-index or --style-mix, not both")
    if mix is not None:
        if len(mix) != styles:
            raise OptionError(f"--style-mix has {len(mix)} weights but the model holds {styles} style(s)")
        values = torch.tensor([float(v) for v in mix])
        if not torch.isfinite(values).all() or (values < 0).any() or values.sum() <= 0:
            raise OptionError("--style-mix weights must be non-negative numbers with a positive sum, like 0.7,0.3")
        return (values / values.sum()).unsqueeze(0)
    index = 0 if index is None else index
    if not 0 <= index < styles:
        raise OptionError(f"--style-index {index} is out of range: the model holds styles 0..{styles - 1}")
    return F.one_hot(torch.tensor([index]), styles).float()
