"""A Laplacian-pyramid parameterization of an image: a fixed start plus offsets at several scales.

Adam normalizes each parameter's step, so on plain pixels every pixel and channel moves by about the
learning rate on its own: neighbouring pixels drift apart in color and leave multicolored speckle.
Here the offset is a sum of upsampled grids, from full size down to 1/2^(levels-1): coarse grids
move whole patches together, so a step paints smooth strokes, and the finest grid only adds detail.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .params import ImageParam


class PyramidImage(ImageParam):
    """``start + rate Σ_k upsample(offset_k)``, offset_k at 1/2^k of the size; clipped into [0,1] by ``project``.

    ``rate`` scales every level's steps: with the default 0.5 an optimizer tuned for plain pixels
    (Adam at 0.02) moves each level 0.01 a step, and the levels together about twice as far as pixels.
    A (1,1,H,W) ``rate`` scales each pixel's share of the sum: a warm-started video frame lets the
    pixels carried over reliably from the previous frame settle slowly while new ones move freely.
    """

    RATE = 0.5

    def __init__(self, init: torch.Tensor, levels: int = 4, rate: float | torch.Tensor = RATE) -> None:
        super().__init__()
        rate = torch.full((), rate, device=init.device, dtype=init.dtype) if isinstance(rate, (int, float)) else rate.to(init)
        self.register_buffer("rate", rate.clamp(1e-3, 1))  # a float is filled on the device: no host copy
        h, w = init.shape[-2:]
        self.register_buffer("start", init.detach().clamp(0, 1).contiguous())
        self.size = (h, w)
        self.offsets = nn.ParameterList(
            nn.Parameter(init.new_zeros(1, init.shape[1], max(1, round(h / 2**k)), max(1, round(w / 2**k))))
            for k in range(levels)
        )

    def _sum(self) -> torch.Tensor:
        total = self.offsets[0]
        for offset in self.offsets[1:]:
            total = total + F.interpolate(offset, size=self.size, mode="bilinear", align_corners=False)
        return self.start + self.rate * total

    def forward(self) -> torch.Tensor:
        return self._sum().clamp(0, 1)  # in range after project() but for rounding

    @torch.no_grad()
    def project(self) -> None:
        """Fold the part of the image outside [0,1] back into the finest offset."""
        image = self._sum()
        self.offsets[0].add_((image.clamp(0, 1) - image) / self.rate)
