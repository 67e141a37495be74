"""The endless zoom: every frame is dreamed from the previous dream moved a little by the camera.

The camera move of frame k (zoom, rotation, translation, each a Schedule so it can change over the
animation) is applied to dream k-1 as one affine warp on the device, and the result is dreamed
again; the new detail the zoom brings in is hallucinated, so the loop never runs out of picture.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from fractions import Fraction

import torch

from ..media import Frame
from ..optim import affine_warp
from ..progress import FrameProgress
from ..video import FramePrior, FrameSink, OneFrame, PreviousFrame, ResumePoint, WithGenerator, clock, iter_video
from .dreamer import Dreamer
from .react import react_steer
from ..timeline import Moment, Schedule, Steered, numbered
from ..timeline.react import Offsets


@dataclass(frozen=True)
class Motion:
    """Per-frame camera move: ``zoom`` factor (>1 moves in), ``rotate`` degrees counter-clockwise,
    ``translate`` (dx, dy) pixels the picture moves right and down."""

    zoom: Schedule = Schedule.constant(1.05)
    rotate: Schedule = Schedule.constant(0.0)
    translate: Schedule = Schedule.constant(0.0, 0.0)

    def apply(self, image: torch.Tensor, moment: Moment, nudge: tuple[float, float] = (0.0, 0.0)) -> torch.Tensor:
        """``image`` moved by the camera of ``moment``, plus ``nudge`` (zoom, degrees) from the music."""
        (zoom,), (angle,) = self.zoom.at(moment), self.rotate.at(moment)
        zoom, angle = max(0.1, zoom + nudge[0]), angle + nudge[1]
        dx, dy = self.translate.at(moment)
        if zoom == 1 and angle == 0 and dx == 0 and dy == 0:
            return image
        return affine_warp(image, zoom, angle, (dx, dy)).clamp(0, 1)


class ZoomWork(OneFrame):
    """Frame 0 is the dream of ``image`` itself; frame k the dream of frame k-1 (the prior's previous
    result) moved by the camera move of frame k. Its frames come from ``clock``: pts is the index.
    ``nudge`` (zoom, degrees) is added to the next frame's move (set per frame by an audio reaction)."""

    def __init__(self, image: torch.Tensor, dreamer: Dreamer, motion: Motion, frames: int, fps: Fraction) -> None:
        super().__init__(image.device, (image.shape[-2], image.shape[-1]))
        self.image = image
        self.dreamer = dreamer
        self.motion = motion
        self.frames = frames
        self.fps = fps
        self.nudge = (0.0, 0.0)

    def run(self, frames: list[Frame], prior: FramePrior) -> Generator[object, None, torch.Tensor]:
        (frame,) = frames
        start = prior.start(self.image)
        current = self.image if start.init is None else self.motion.apply(start.init, Moment.of_frame(frame.pts, self.frames, float(self.fps)), self.nudge)
        current = yield from self.dreamer.run(current)
        prior.update(self.image, current)
        return current


def iter_zoom_loop(
    image: torch.Tensor,
    dreamer: Dreamer,
    motion: Motion,
    frames: int,
    sink: FrameSink,
    fps: Fraction = Fraction(30),
    resume: ResumePoint | None = None,
    offsets: Offsets | None = None,
) -> Generator[FrameProgress, None, int]:
    """Dream ``frames`` frames at ``fps`` starting from ``image`` into ``sink``; returns the frame count.

    Resuming needs the state saved after the last frame done: the loop continues from that frame.
    ``offsets`` (an audio reaction) steer the step size and nudge the camera frame by frame.
    """
    zoom = ZoomWork(image, dreamer, motion, frames, fps)
    prior = WithGenerator(PreviousFrame(), dreamer.generator)
    if offsets is None:
        return (yield from iter_video(clock(frames, fps), zoom, sink, prior, frames, resume))
    work = Steered(zoom, react_steer(dreamer, offsets, zoom), frames, float(fps))
    return (yield from iter_video(numbered(clock(frames, fps)), work, sink, prior, frames, resume))
