"""Per-frame parameters on the frame driver: each frame learns where it lies, the engine is set for it.

The frames are numbered as they are decoded (``numbered``), before the driver drops the frames a resumed
job has already done, so a resumed frame has the same index and time as in an uninterrupted run.
``Steered`` wraps an engine's FrameWork: before each batch runs, ``steer`` gets the batch's moments
and sets the engine for them (style blend, strength, zoom ...); the work itself is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..media import Frame
from ..video import FramePrior, FrameWork
from .schedule import Moment


@dataclass(frozen=True, eq=False)
class TimedFrame(Frame):
    """A decoded frame with its index from the job's first frame and its time after that frame's."""

    index: int = 0
    seconds: float = 0.0


def numbered(frames: Iterable[Frame]) -> Iterator[TimedFrame]:
    """``frames`` as TimedFrames; closing the result closes the source (the decoder's file)."""
    source = iter(frames)
    origin = None
    try:
        for index, frame in enumerate(source):
            origin = frame.time if origin is None else origin
            yield TimedFrame(frame.rgb, frame.pts, frame.time_base, frame.alpha, frame.matte, index=index, seconds=frame.time - origin)
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()


Steer = Callable[[Sequence[Moment]], None]


def steer_all(steers: Sequence[Steer]) -> Steer:
    """One Steer that runs ``steers`` in turn (style keyframes and strength keyframes on one engine)."""

    def steer(moments: Sequence[Moment]) -> None:
        for each in steers:
            each(moments)

    return steer


class Steered(FrameWork):
    """``work`` with ``steer`` called on each batch's moments (``total`` frames, nominal ``fps``) before it runs."""

    def __init__(self, work: FrameWork, steer: Steer, total: int | None, fps: float) -> None:
        self.work = work
        self.steer = steer
        self.total = total
        self.fps = fps
        self.batch = work.batch

    def pack(self, frames: list[TimedFrame]) -> tuple[list[Moment], Any]:  # type: ignore[override]
        moments = [Moment(f.index, f.seconds, self.total, self.fps) for f in frames]
        return moments, self.work.pack(frames)

    def run(self, packed: tuple[list[Moment], Any], prior: FramePrior) -> Generator[object, None, Any]:
        moments, inner = packed
        self.steer(moments)
        return (yield from self.work.run(inner, prior))

    def unpack(self, result: Any) -> Sequence[np.ndarray]:
        return self.work.unpack(result)
