"""Random transformations applied to the image before the network (the loop's ``transform``).

An image that excites a unit only at one exact pixel alignment is adversarial noise, not a feature;
asking it to work under small random shifts, scalings and rotations (jitter, Mordvintsev et al.'s
and Olah et al.'s transformation robustness) leaves only what the unit robustly responds to.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F

Transform = Callable[[torch.Tensor], torch.Tensor]


class Jitter:
    """One random affine warp per step: shift by up to ``shift`` pixels, scale by 1 ± ``scale``,
    rotate by ± ``rotate`` degrees; borders are filled by reflection."""

    def __init__(self, shift: int = 0, scale: float = 0.0, rotate: float = 0.0, generator: torch.Generator | None = None) -> None:
        self.shift, self.scale, self.rotate = shift, scale, rotate
        self.generator = generator

    def _uniform(self, low: float, high: float) -> float:
        return low + (high - low) * float(torch.rand((), generator=self.generator))

    def __call__(self, image: torch.Tensor) -> torch.Tensor:
        if not (self.shift or self.scale or self.rotate):
            return image
        h, w = image.shape[-2:]
        s = self._uniform(1 - self.scale, 1 + self.scale)
        a = math.radians(self._uniform(-self.rotate, self.rotate))
        dx = round(self._uniform(-self.shift, self.shift)) * 2 / w  # in the [-1, 1] grid units
        dy = round(self._uniform(-self.shift, self.shift)) * 2 / h
        theta = torch.tensor(
            [[math.cos(a) / s, -math.sin(a) / s * h / w, dx], [math.sin(a) / s * w / h, math.cos(a) / s, dy]],
            dtype=image.dtype,
            device=image.device,
        ).unsqueeze(0)
        grid = F.affine_grid(theta.expand(image.shape[0], 2, 3), list(image.shape), align_corners=False)
        return F.grid_sample(image, grid, mode="bilinear", padding_mode="reflection", align_corners=False)


def make_generator(seed: int | None) -> torch.Generator:
    """A CPU generator seeded with ``seed`` (fresh entropy when None), so runs repeat without global state."""
    generator = torch.Generator()
    if seed is None:
        generator.seed()
    else:
        generator.manual_seed(seed)
    return generator


def compose(transforms: Sequence[Transform | None]) -> Transform | None:
    """Apply the given transforms in order (None entries skipped); None when there are none."""
    chain = [t for t in transforms if t is not None]
    if not chain:
        return None

    def apply(image: torch.Tensor) -> torch.Tensor:
        for transform in chain:
            image = transform(image)
        return image

    return apply
