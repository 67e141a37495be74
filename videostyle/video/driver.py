"""The one frame driver: decode -> per-frame work -> encode, overlapped on threads, with resume.

    decode thread --(bounded queue)--> caller's thread: work.run --(bounded queue)--> encode thread

Every engine's video path runs here; an engine only says what to do with a batch of frames (a
``FrameWork``). Decoding and encoding run on their own threads (FFmpeg releases the GIL), so a slow
stage does not serialize the others, and the bounded queues keep a fast stage from piling frames
up in memory. Progress comes back as ``FrameProgress`` events; the library never prints.

Resume and checkpoint contract (what a segmenting sink, such as the batch processor's, relies on):

- Frames are indexed from 0 at the first decoded frame of the job's range.
- After the work for frame ``index`` and its ``prior.update``, if the sink has ``wants_state`` and
  ``sink.wants_state(index)`` is True, the driver passes ``prior.state()`` (CPU tensors) to
  ``sink.save_state(index, state)``. The call is made on the encode thread, in order with the
  frames, right after ``sink.write`` of frame ``index``, so a sink can close a segment and store
  its state together. ``wants_state`` itself is asked on the caller's thread as each frame is
  finished, so it must depend on ``index`` alone. A sink without these methods
  (``media.VideoWriter``) just gets frames.
- ``resume=ResumePoint(frames_done, state)`` restores the prior from ``state``, decodes and drops
  the first ``frames_done`` frames without computing them, and continues at index ``frames_done``.
  The resumed frames are exactly those an uninterrupted run would have made from that point.
- The sink is entered (``with``) and closed by the driver; an error or the generator being closed
  leaves its ``with`` block by the error path, so a VideoWriter leaves no output behind.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import partial
from itertools import islice
from types import TracebackType
from typing import Any, Protocol, runtime_checkable

import numpy as np
import torch

from ..media import Frame, ResumePoint
from ..progress import FrameProgress, Resumed, relay
from .matte import composite
from .prior import FramePrior, FrameStart, IndependentFrames
from .stages import Consumer, Producer

QUEUED_BATCHES = 3  # per queue: enough to ride out jitter in any stage, few enough to bound memory
Stamp = tuple[int, Fraction, Frame | None]
"""A frame's pts and time base, and the source frame itself when it carries a matte or alpha to composite."""


@runtime_checkable
class Seekable(Protocol):
    """Frames that can start at frame ``skip`` without the frames before it (a video job's: see
    video.source.JobFrames); a resumed job then skips them at no cost."""

    def from_index(self, skip: int) -> Iterator[Frame]: ...


class FrameSink(Protocol):
    """Where finished frames go, in order. Optionally also ``wants_state(index) -> bool`` and
    ``save_state(index, state)`` (see the module docstring)."""

    def write(self, frame: Frame) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> Any: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> Any: ...


@runtime_checkable
class _Checkpointing(Protocol):
    def wants_state(self, index: int) -> bool: ...

    def save_state(self, index: int, state: dict[str, torch.Tensor]) -> None: ...


class FrameWork:
    """What an engine does to frames. ``batch`` frames at a time: ``pack`` runs on the decode thread
    (e.g. gather frames into one pinned buffer), ``run`` on the caller's thread (it yields the
    engine's own progress steps and must call ``prior.start``/``prior.update`` once per frame, in
    order), ``unpack`` on the encode thread (the finished batch as uint8 (H, W, 3) arrays)."""

    batch: int = 1

    def pack(self, frames: list[Frame]) -> Any:
        return frames

    def run(self, packed: Any, prior: FramePrior) -> Generator[object, None, Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def unpack(self, result: Any) -> Sequence[np.ndarray]:
        return result


@dataclass
class _Recorder:
    """The prior as the work sees it: counts updates and keeps the states the sink asked for."""

    prior: FramePrior
    sink: object
    index: int
    states: dict[int, dict[str, torch.Tensor]] = field(default_factory=dict)

    def start(self, content: torch.Tensor) -> FrameStart:
        return self.prior.start(content)

    def update(self, content: torch.Tensor, result: torch.Tensor) -> None:
        self.prior.update(content, result)
        if isinstance(self.sink, _Checkpointing) and self.sink.wants_state(self.index):
            self.states[self.index] = self.prior.state()
        self.index += 1

    def state(self) -> dict[str, torch.Tensor]:
        return self.prior.state()

    def restore(self, state: dict[str, torch.Tensor]) -> None:
        self.prior.restore(state)

    def take(self) -> dict[int, dict[str, torch.Tensor]]:
        states, self.states = self.states, {}
        return states


@dataclass
class _Finished:
    first: int
    stamps: list[Stamp]
    result: Any
    states: dict[int, dict[str, torch.Tensor]]


def iter_video(
    frames: Iterable[Frame],
    work: FrameWork,
    sink: FrameSink,
    prior: FramePrior | None = None,
    total: int | None = None,
    resume: ResumePoint | None = None,
) -> Generator[FrameProgress | Resumed, None, int]:
    """Run ``work`` over ``frames`` into ``sink``; yields progress, returns the number of frames done.

    ``total`` is the expected frame count for progress (None if unknown).
    """
    recorder = _Recorder(prior or IndependentFrames(), sink, 0)
    if resume is not None:
        recorder.index = resume.frames_done
        if resume.state is not None:
            _restore(recorder, sink, resume.state)
    done = recorder.index
    if done:
        yield Resumed(done, total)
    batches = _batches(frames, done, work)
    with (
        sink,
        Producer(batches, QUEUED_BATCHES, "videostyle-decode", threads=1) as decoded,
        Consumer(partial(_deliver, sink, work), QUEUED_BATCHES, "videostyle-encode", background=True) as encoder,
    ):
        for stamps, packed in decoded:
            first = done
            result = yield from relay(work.run(packed, recorder), lambda step: FrameProgress(first, total, step))
            done += len(stamps)
            encoder.put(_Finished(first, stamps, result, recorder.take()))
            yield FrameProgress(done, total)
        encoder.finish()
    return done


def _restore(recorder: _Recorder, sink: FrameSink, state: dict[str, torch.Tensor]) -> None:
    """Continue from ``state``; a state this prior cannot take makes a restartable sink start over."""
    fresh = recorder.state()
    try:
        recorder.restore(state)
    except (KeyError, ValueError, RuntimeError, TypeError, IndexError) as exc:
        restart = getattr(sink, "restart", None)
        if restart is None:
            raise
        recorder.restore(fresh)
        recorder.index = 0
        restart(f"its saved state does not fit ({type(exc).__name__}: {exc})")


def _batches(frames: Iterable[Frame], skip: int, work: FrameWork) -> Iterator[tuple[list[Stamp], Any]]:
    """Runs on the decode thread: the first ``skip`` frames dropped (a ``Seekable`` source starts past
    them), the rest packed ``work.batch`` at a time."""
    seekable = isinstance(frames, Seekable)
    source = frames.from_index(skip) if seekable else iter(frames)
    try:
        for _ in islice(source, 0 if seekable else skip):
            pass
        while group := list(islice(source, work.batch)):
            yield [(f.pts, f.time_base, f if f.matte is not None or f.alpha is not None else None) for f in group], work.pack(group)
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()  # a decoder holding an open file closes it here, on its own thread


def _deliver(sink: FrameSink, work: FrameWork, finished: _Finished) -> None:
    """Runs on the encode thread: each frame (composited through its matte, with the source's alpha:
    see video.matte) to the sink, then the state saved after it, if any."""
    for offset, (rgb, (pts, time_base, source)) in enumerate(zip(work.unpack(finished.result), finished.stamps, strict=True)):
        index = finished.first + offset
        if source is None:
            sink.write(Frame(rgb, pts, time_base))
        else:
            rgb, alpha = composite(rgb, source)
            sink.write(Frame(rgb, pts, time_base, alpha=alpha))
        if index in finished.states:
            sink.save_state(index, finished.states[index])  # type: ignore[attr-defined]


def clock(count: int, fps: Fraction) -> Iterator[Frame]:
    """Timestamps of ``count`` frames at ``fps`` with no pixels: the source of a generated video."""
    empty = np.zeros((0, 0, 3), dtype=np.uint8)
    for index in range(count):
        yield Frame(empty, index, 1 / Fraction(fps))
