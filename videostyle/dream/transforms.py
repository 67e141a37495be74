"""Geometric image transforms of dreaming: a random roll inside the loop, and the zoom-loop camera move.

The camera move (zoom, rotation, translation) is one affine warp about the image centre, done with a
single ``grid_sample`` on the image's device, so three moves cost one resampling and not three
blurs. Coordinates are pixel centres measured from the image centre, so rotations stay exact on
non-square images (a 90° turn of a square image is ``torch.rot90``) and a zoom maps the pixel grid
onto itself without a half-pixel drift.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


class RandomRoll:
    """Roll the image by a random offset of up to ``pixels`` in each direction (wrapping around).

    DeepDream's jitter: applied before the network at every step, it keeps the dream from locking onto
    the pixel grid and the network's stride pattern; the gradient flows back through the roll, so no
    undo is needed. A roll, unlike videostyle.visualize's resampling Jitter, is exact and costs nothing,
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
    theta = torch.tensor(
        [
            [inverse[0][0], inverse[0][1] * half[1] / half[0], offset[0] / half[0]],
            [inverse[1][0] * half[0] / half[1], inverse[1][1], offset[1] / half[1]],
        ],
        dtype=image.dtype,
        device=image.device,
    ).expand(image.shape[0], 2, 3)
    grid = F.affine_grid(theta, list(image.shape), align_corners=False)
    return F.grid_sample(image, grid, mode="bilinear", padding_mode="reflection", align_corners=False)
