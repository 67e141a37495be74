"""Random transformations applied to the image before the network (the loop's ``transform``).

An image that excites a unit only at one exact pixel alignment is adversarial noise, not a feature;
asking it to work under small random shifts, scalings and rotations (jitter, Mordvintsev et al.'s
and Olah et al.'s transformation robustness) leaves only what the unit robustly responds to.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from ..dream.transforms import affine_warp

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
        zoom = self._uniform(1 - self.scale, 1 + self.scale)
        degrees = self._uniform(-self.rotate, self.rotate)
        dx, dy = (round(self._uniform(-self.shift, self.shift)) for _ in range(2))
        return affine_warp(image, zoom, degrees, (dx, dy))


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
