"""Working-size arithmetic and resampling of NCHW image tensors."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .errors import OptionError

MAX_SIDE = 8192
NETWORK_CAP = 4096  # long side a feed-forward network runs at when --size is not given: beyond it a pass needs many GB


def fit_size(height: int, width: int, long_side: int | None, cap: int | None = None, even: bool = False) -> tuple[int, int]:
    """(h, w) with the long side ``long_side`` (or the input's, capped at ``cap``), aspect kept.

    ``even`` rounds both sides to even numbers, which H.264 in yuv420p requires.
    """
    if long_side is not None and not 16 <= long_side <= MAX_SIDE:
        raise OptionError(f"size {long_side} is out of range: use 16..{MAX_SIDE} pixels for the long side")
    target = long_side if long_side is not None else max(height, width)
    if cap is not None and long_side is None:
        target = min(target, cap)
    scale = target / max(height, width)
    h, w = max(1, round(height * scale)), max(1, round(width * scale))
    if even:
        h, w = max(2, h - h % 2), max(2, w - w % 2)
    return h, w


def resize(image: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """Bilinear resize with antialiasing when shrinking (plain bilinear aliases badly on photos).

    Float images stay in [0, 1]; uint8 ones (the CPU has a fast path for them) saturate by themselves.
    """
    if tuple(image.shape[-2:]) == tuple(size):
        return image
    shrinking = size[0] < image.shape[-2] or size[1] < image.shape[-1]
    out = F.interpolate(image, size=size, mode="bilinear", align_corners=False, antialias=shrinking)
    return out.clamp(0, 1) if out.is_floating_point() else out


def resize_long_side(image: torch.Tensor, long_side: int) -> torch.Tensor:
    h, w = image.shape[-2:]
    return resize(image, fit_size(h, w, max(16, min(long_side, MAX_SIDE))))
