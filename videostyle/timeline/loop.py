"""Looping clips: the measure of a wrap, and a stylized video that loops (``stylize --loop``).

A clip loops when its last frame leads into its first with a change no larger than its ordinary steps:
``frame_change`` measures a step, ``progress.LoopClosure`` reports the wrap next to the clip's median.

A stylized video's frames are carried one to the next (warped start, temporal loss), so its first frame
is made from nothing and its last from a long chain: played in a loop, the wrap jumps even where the
source itself loops. ``WrapFrames`` feeds the engine the clip's last ``overlap`` frames first (a
pre-roll, never written), then the whole clip, so the first frame is carried from the end like any
other step. ``WrapSink`` keeps the pre-rolled results and eases the clip's last ``overlap`` frames into
them, all the way on the last frame, which so becomes the very frame the first was carried from. Both
pictures of a blend are renders of the same source frame, so the fade moves with the picture. The
written clip has the source's frames and timestamps; nothing is ping-ponged. A clip whose frames are
made each on its own (a network without --stabilize) has nothing carried: it gets no pre-roll, as
its end would be rendered again the same, and wraps as its source does; the closure is still measured.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from statistics import median
from types import TracebackType
from typing import Any

import numpy as np

from ..errors import InputError
from ..media import Frame
from ..progress import LoopClosure
from ..video import FrameSink

MAX_OVERLAP = 24


def loop_overlap(frames: int) -> int:
    """Frames eased into each other at the wrap: a quarter of the loop, at most ``MAX_OVERLAP`` (about a second)."""
    return max(1, min(MAX_OVERLAP, frames // 4))


def frame_change(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference of two frames, on a 0..1 scale (uint8 frames, or float frames in [0, 1])."""
    scale = 255 if a.dtype == np.uint8 else 1
    return float(np.abs(a.astype(np.float32) - b.astype(np.float32)).mean()) / scale


def smooth(t: float) -> float:
    return t * t * (3 - 2 * t)


def ease_into(rgb: np.ndarray, target: np.ndarray, t: float) -> np.ndarray:
    """``rgb`` moved a share ``t`` of the way to ``target``, in ``rgb``'s own type."""
    mixed = (1 - t) * rgb.astype(np.float32) + t * target.astype(np.float32)
    return np.clip(np.rint(mixed), 0, 255).astype(np.uint8) if rgb.dtype == np.uint8 else mixed.astype(rgb.dtype)


class WrapFrames:
    """The clip's last ``overlap`` frames, then all its frames; ``decode`` opens the clip afresh each time.

    The clip is decoded once up front to count it (keeping only its last ``MAX_OVERLAP`` frames).
    ``carried`` False: frames are rendered each on their own, so nothing is pre-rolled (``overlap`` 0)."""

    def __init__(self, decode: Callable[[], Iterator[Frame]], carried: bool = True) -> None:
        self.decode = decode
        tail: deque[Frame] = deque(maxlen=MAX_OVERLAP)
        self.count = 0
        for frame in decode():
            tail.append(frame)
            self.count += 1
        if self.count < 2:
            raise InputError("--loop needs a clip of at least two frames")
        self.overlap = loop_overlap(self.count) if carried else 0
        self.preroll = list(tail)[len(tail) - self.overlap :]

    @property
    def total(self) -> int:
        return self.overlap + self.count

    def __iter__(self) -> Iterator[Frame]:
        yield from self.preroll
        yield from self.decode()


def wrap_clip(decode: Callable[[], Iterator[Frame]], sink: FrameSink, carried: bool = True) -> tuple[Iterator[Frame], int, WrapSink]:
    """The frames to render (pre-roll first), their count, and the sink that writes the clip as a loop."""
    wrap = WrapFrames(decode, carried)
    return iter(wrap), wrap.total, WrapSink(sink, wrap.count, wrap.overlap)


@dataclass
class MeasuredSink:
    """Hands frames on to ``sink`` and measures every step, so ``closure`` can set the wrap (last frame to
    first) beside the clip's median step. The loops of both engines write through one of these."""

    sink: FrameSink
    changes: list[float] = field(default_factory=list, kw_only=True)
    first: np.ndarray | None = field(default=None, kw_only=True)
    last: np.ndarray | None = field(default=None, kw_only=True)

    def pass_on(self, frame: Frame) -> None:
        if self.last is not None:
            self.changes.append(frame_change(self.last, frame.rgb))
        self.first = frame.rgb if self.first is None else self.first
        self.last = frame.rgb
        self.sink.write(frame)

    @property
    def closure(self) -> LoopClosure:
        assert self.first is not None and self.last is not None
        return LoopClosure(frame_change(self.last, self.first), median(self.changes) if self.changes else 0.0)

    def close(self) -> None:
        self.sink.close()

    def __enter__(self) -> Any:
        self.sink.__enter__()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> Any:
        return self.sink.__exit__(exc_type, exc, tb)


@dataclass
class WrapSink(MeasuredSink):
    """Takes the ``overlap`` pre-rolled results and then the clip's ``count`` frames (see WrapFrames);
    writes the clip to ``sink`` with its last ``overlap`` frames eased into the pre-rolled ones, and
    measures the ``closure`` as it goes."""

    count: int
    overlap: int
    ending: list[np.ndarray] = field(default_factory=list)
    written: int = 0

    def write(self, frame: Frame) -> None:
        if len(self.ending) < self.overlap:
            self.ending.append(frame.rgb)
            return
        position, self.written = self.written, self.written + 1
        rgb = frame.rgb
        early = position - (self.count - self.overlap)
        if early >= 0:
            rgb = ease_into(rgb, self.ending[early], smooth((early + 1) / self.overlap))
        self.pass_on(replace(frame, rgb=rgb))
