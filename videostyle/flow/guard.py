"""Frames too small or too thin for an estimator's pyramid are padded, not passed on to crash it.

OpenCV's DIS builds its pyramid from the long side: on a frame whose short side is under 32 pixels,
or more than 32 times shorter than the long side (16384x16), it fails an assertion or crashes the
process outright. Such frames are padded (edge pixels repeated) up to a shape it takes, and the
flow is cropped back; frames of ordinary shape pass through untouched.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torch.nn.functional as F

MIN_SIDE = 32
MAX_ASPECT = 32


def safe_shape(height: int, width: int) -> tuple[int, int]:
    """The (h, w) to estimate flow at: the frame's own unless a side is too short."""
    return _grown(height, width), _grown(width, height)


def _grown(side: int, other: int) -> int:
    needed = max(MIN_SIDE, math.ceil(other / MAX_ASPECT))
    return side if side >= needed else math.ceil(needed / MIN_SIDE) * MIN_SIDE


def padded_flow(
    estimate: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], a: torch.Tensor, b: torch.Tensor
) -> torch.Tensor:
    """``estimate(a, b)``, on edge-padded copies when the frames are too small or thin for it."""
    height, width = a.shape[-2:]
    safe_h, safe_w = safe_shape(height, width)
    if (safe_h, safe_w) == (height, width):
        return estimate(a, b)
    padding = (0, safe_w - width, 0, safe_h - height)
    flow = estimate(F.pad(a, padding, mode="replicate"), F.pad(b, padding, mode="replicate"))
    return flow[..., :height, :width].contiguous()
