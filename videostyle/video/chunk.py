"""One chunk of a video job: its frames end at the chunk's end, and its preroll frames reach no file.

A chunk worker runs the same frame driver as a whole job, resumed at ``first - preroll`` with no
state: the preroll frames go through the engine (building flow memory, the previous result and the
style level the next frames chase) and :class:`ChunkSink` drops them; from ``first`` on it passes
frames and saved states to the chunk's :class:`~videostyle.media.SegmentedVideoWriter`.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from types import TracebackType

import torch

from ..media import Frame, SegmentedVideoWriter


class ChunkSink:
    """The driver's sink for a chunk: frames before ``first`` are counted and dropped."""

    def __init__(self, writer: SegmentedVideoWriter, first: int, index: int) -> None:
        self.writer, self.first, self._index = writer, first, index

    def write(self, frame: Frame) -> None:
        if self._index >= self.first:
            self.writer.write(frame)
        self._index += 1

    def wants_state(self, index: int) -> bool:
        return index >= self.first and self.writer.wants_state(index)

    def save_state(self, index: int, state: dict[str, torch.Tensor]) -> None:
        self.writer.save_state(index, state)

    def close(self) -> None:
        self.writer.close()

    def __enter__(self) -> ChunkSink:
        self.writer.__enter__()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.writer.__exit__(exc_type, exc, tb)


def until(frames: Iterator[Frame], end: int) -> Iterator[Frame]:
    """The first ``end`` frames; the decoder is closed on this (the decode) thread when done."""
    try:
        yield from islice(frames, end)
    finally:
        close = getattr(frames, "close", None)
        if close is not None:
            close()
