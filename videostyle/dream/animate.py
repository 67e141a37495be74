"""The endless zoom: every frame is dreamed from the previous dream moved a little by the camera.

The camera move of frame k (zoom, rotation, translation, each a Schedule so it can change over the
animation) is applied to dream k-1 as one affine warp on the device, and the result is dreamed
again; the new detail the zoom brings in is hallucinated, so the loop never runs out of picture.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass

import torch

from ..optim import affine_warp
from ..progress import FrameProgress, relay
from .dreamer import Dreamer
from .keyframes import Schedule


@dataclass(frozen=True)
class Motion:
    """Per-frame camera move: ``zoom`` factor (>1 moves in), ``rotate`` degrees counter-clockwise,
    ``translate`` (dx, dy) pixels the picture moves right and down."""

    zoom: Schedule = Schedule.constant(1.05)
    rotate: Schedule = Schedule.constant(0.0)
    translate: Schedule = Schedule.constant(0.0, 0.0)

    def apply(self, image: torch.Tensor, frame: int, total: int) -> torch.Tensor:
        (zoom,), (angle,) = self.zoom.at(frame, total), self.rotate.at(frame, total)
        dx, dy = self.translate.at(frame, total)
        if zoom == 1 and angle == 0 and dx == 0 and dy == 0:
            return image
        return affine_warp(image, zoom, angle, (dx, dy)).clamp(0, 1)


def iter_zoom_loop(
    image: torch.Tensor,
    dreamer: Dreamer,
    motion: Motion,
    frames: int,
    emit: Callable[[torch.Tensor], None],
) -> Generator[FrameProgress, None, torch.Tensor]:
    """Dream ``frames`` frames starting from ``image``; each finished frame goes to ``emit``.

    Frame 0 is the dream of ``image`` itself; frame k is the dream of frame k-1 moved by the camera
    move of frame k. Returns the last frame.
    """
    current = image
    for index in range(frames):
        if index:
            current = motion.apply(current, index, frames)
        steps = dreamer.run(current)
        current = yield from relay(steps, lambda step, index=index: FrameProgress(index, frames, step))
        emit(current)
        yield FrameProgress(index + 1, frames)
    return current
