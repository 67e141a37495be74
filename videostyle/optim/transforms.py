"""Geometric image transforms: the loop's random ``transform`` before the network, and camera moves.

An image that excites a unit only at one exact pixel alignment is adversarial noise, not a feature;
asking it to work under small random shifts, scalings and rotations (DeepDream's jitter, Olah et al.'s
transformation robustness) leaves only what the network robustly responds to. ``RandomRoll`` is the
exact, free version (wrapping shifts); ``Jitter`` resamples through ``affine_warp``.

``affine_warp`` (zoom, rotation, translation) is one warp about the image centre, done with a single
``grid_sample`` on the image's device, so three moves cost one resampling and not three blurs.
Coordinates are pixel centres measured from the image centre, so rotations stay exact on non-square
images (a 90° turn of a square image is ``torch.rot90``) and a zoom maps the pixel grid onto itself
without a half-pixel drift.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F

Transform = Callable[[torch.Tensor], torch.Tensor]


def affine_warp(
    image: torch.Tensor,
    zoom: float = 1.0,
    rotate: float = 0.0,
    translate: tuple[float, float] = (0.0, 0.0),
) -> torch.Tensor:
    """Zoom by ``zoom`` (>1 magnifies), rotate by ``rotate`` degrees counter-clockwise as seen on
    screen, then move the picture by ``translate`` = (dx, dy) pixels (right, down), about the centre.

    Places the warp samples from outside the picture are filled by reflection.
    """
    if zoom <= 0:
        raise ValueError(f"zoom must be positive, got {zoom}")
    h, w = image.shape[-2:]
    angle = math.radians(rotate)
    cos, sin = math.cos(angle), math.sin(angle)
    dx, dy = translate
    # Output pixel u (centred, y down) shows source pixel R⁻¹(u - t) / zoom, where R turns the picture
    # counter-clockwise on screen. R⁻¹ = [[cos, -sin], [sin, cos]] in y-down coordinates.
    inverse = [[cos / zoom, -sin / zoom], [sin / zoom, cos / zoom]]
    offset = [-(inverse[0][0] * dx + inverse[0][1] * dy), -(inverse[1][0] * dx + inverse[1][1] * dy)]
    # To normalized coordinates (x / (w/2), y / (h/2)) as affine_grid expects with align_corners=False.
    half = (w / 2, h / 2)
    theta = (
        (inverse[0][0], inverse[0][1] * half[1] / half[0], offset[0] / half[0]),
        (inverse[1][0] * half[0] / half[1], inverse[1][1], offset[1] / half[1]),
    )
    grid = affine_grid(theta, image.shape[0], h, w, image)
    return F.grid_sample(image, grid, mode="bilinear", padding_mode="reflection", align_corners=False)


def affine_grid(theta: tuple[tuple[float, float, float], ...], n: int, h: int, w: int, like: torch.Tensor) -> torch.Tensor:
    """``F.affine_grid`` (align_corners=False) for a 2x3 matrix of Python numbers, built on ``like``'s device.

    A ``torch.tensor`` theta would be a blocking host-to-device copy per call (every jitter step,
    every zoom frame); pixel-centre coordinates made on the device and scaled by plain numbers need none.
    """
    kw = {"device": like.device, "dtype": like.dtype}
    xs = (torch.arange(w, **kw) * 2 + 1) / w - 1  # normalized pixel centres
    ys = ((torch.arange(h, **kw) * 2 + 1) / h - 1).unsqueeze(1)
    gx = xs * theta[0][0] + ys * theta[0][1] + theta[0][2]
    gy = xs * theta[1][0] + ys * theta[1][1] + theta[1][2]
    return torch.stack((gx, gy), dim=-1).unsqueeze(0).expand(n, h, w, 2)


class RandomRoll:
    """Roll the image by a random offset of up to ``pixels`` in each direction (wrapping around).

    DeepDream's jitter: applied before the network at every step, it keeps the dream from locking onto
    the pixel grid and the network's stride pattern; the gradient flows back through the roll, so no
    undo is needed. A roll, unlike the resampling ``Jitter``, is exact and costs nothing,
    and wrapping keeps every pixel in view of the network.
    """

    def __init__(self, pixels: int, generator: torch.Generator) -> None:
        self.pixels = pixels
        self.generator = generator

    def __call__(self, image: torch.Tensor) -> torch.Tensor:
        if self.pixels <= 0:
            return image
        dy, dx = torch.randint(-self.pixels, self.pixels + 1, (2,), generator=self.generator).tolist()
        return torch.roll(image, (dy, dx), (-2, -1))


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
