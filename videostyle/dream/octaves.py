"""DeepDream's octave pyramid: dream the smallest copy first, then carry the dreamed detail upwards.

At each octave the image is the input resized to that octave plus the detail dreamed so far
(upsampled), and after dreaming the detail is the difference again. Large patterns grow at the small
octaves, fine texture at the large ones, and the input's own sharpness is never lost to resampling.
"""

from __future__ import annotations

from collections.abc import Callable, Generator

import torch
import torch.nn.functional as F

from ..optim import Step
from ..resize import resize

MIN_SIDE = 32
"""No octave goes below this short side: the network sees nothing in smaller images."""


def octave_sizes(height: int, width: int, octaves: int, scale: float) -> list[tuple[int, int]]:
    """Up to ``octaves`` sizes, smallest first, each ``scale`` times the one below; ends at (height, width)."""
    sizes = [(height, width)]
    while len(sizes) < octaves:
        h, w = sizes[0]
        smaller = (round(h / scale), round(w / scale))
        if min(smaller) < MIN_SIDE:
            break
        sizes.insert(0, smaller)
    return sizes


def iter_octaves(
    image: torch.Tensor,
    sizes: list[tuple[int, int]],
    dream: Callable[[torch.Tensor, int], Generator[Step, None, torch.Tensor]],
) -> Generator[Step, None, torch.Tensor]:
    """Run ``dream(start image, octave index)`` from the smallest size up, reinjecting the detail."""
    detail = torch.zeros(1, 3, *sizes[0], device=image.device)
    result = image
    for k, size in enumerate(sizes):
        base = resize(image, size)
        if detail.shape[-2:] != base.shape[-2:]:
            detail = F.interpolate(detail, size=size, mode="bilinear", align_corners=False)
        result = yield from dream((base + detail).clamp(0, 1), k)
        detail = result - base
    return result
