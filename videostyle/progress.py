"""Progress events that library loops yield; the CLI (or any caller) decides how to show them."""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    from .optim import Step

A = TypeVar("A")
B = TypeVar("B")
T = TypeVar("T")

PROGRESS_ENV = "VIDEOSTYLE_PROGRESS"
"""Environment variable that makes the CLI write progress as JSON lines on stderr (value ``json``), for batch runs."""
JSON_TAG = "videostyle-progress"
"""Key present in every JSON progress line, so a reader can tell them from messages."""


class Iteration(Protocol):
    """Any step-wise progress: an optimization Step, a training step. Reading ``parts`` may sync the GPU."""

    index: int
    total: int

    @property
    def parts(self) -> dict[str, float]: ...


@dataclass(frozen=True)
class FrameProgress:
    """Frames finished so far, the expected total (None if unknown), and the step inside the current frame.

    ``step`` is None on the event that announces a frame was written.
    """

    done: int
    total: int | None
    step: Step | None = None


@dataclass(frozen=True)
class LoopClosure:
    """How steady the wrap of a loop is: mean absolute change (0..1 a pixel) from the last frame to the
    first, and the median change between consecutive frames of the clip."""

    change: float
    median: float

    def __str__(self) -> str:
        return f"loop closure: last -> first frame changes {self.change:.4f}, the median frame-to-frame change is {self.median:.4f}"


@dataclass(frozen=True)
class Resumed:
    """A stopped job continues: its first ``frames_done`` frames are kept from the earlier run."""

    frames_done: int
    total: int | None


def drain(events: Generator[object, None, T]) -> T:
    """Run a progress generator to the end and return its result (for callers who want no progress)."""
    while True:
        try:
            next(events)
        except StopIteration as stop:
            return stop.value


def relay(events: Generator[A, None, T], wrap: Callable[[A], B]) -> Generator[B, None, T]:
    """Re-yield each event through ``wrap`` and pass the generator's return value on."""
    while True:
        try:
            event = next(events)
        except StopIteration as stop:
            return stop.value
        yield wrap(event)
