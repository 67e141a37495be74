"""Seamless zoom loops: the animation's end is cross-faded into its start, so it can play forever.

A zoom never comes back to its first picture, so the loop is made by construction: ``warmup + overlap +
frames`` frames are dreamed. The first ``warmup`` are dropped (the chain is still growing out of the
photo there, and changes faster than later); the next ``overlap`` are held back. The wrap is placed at
the steadiest step between two of the later held-back frames: the loop starts after it, and its last
frames are eased into the held-back frames up to it (the newest dream fading out as the earlier one
fades in, all the way on the last frame). So the wrap is one ordinary step of the zoom, the smallest
of several; up to ``overlap / 2`` frames dreamed at the end are not needed and are dropped.
Both pictures of a blend move by the same camera path, so the fade itself moves like the zoom. Not
ping-pong: the zoom keeps going in one direction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ..media import Frame
from ..timeline.loop import MeasuredSink, ease_into, frame_change, loop_overlap, smooth

__all__ = ["LoopSink", "frame_change", "loop_overlap"]


@dataclass
class LoopSink(MeasuredSink):
    """Takes the ``warmup + overlap + frames`` dream frames in order and writes the ``frames`` of the loop
    to ``sink`` (timestamps from 0); ``closure`` is measured as they go."""

    frames: int
    overlap: int
    warmup: int = 0
    held: list[np.ndarray] = field(default_factory=list)
    seen: int = 0
    written: int = 0
    fade: int = 1
    opening: list[np.ndarray] = field(default_factory=list)

    def write(self, frame: Frame) -> None:
        index, self.seen = self.seen - self.warmup, self.seen + 1
        if index < 0:
            return
        if index < self.overlap:
            self.held.append(frame.rgb)
            return
        if index == self.overlap:
            self._wrap_at(frame.rgb)
        self._emit(frame.rgb, frame.time_base)

    def _wrap_at(self, following: np.ndarray) -> None:
        """Put the wrap at the steadiest step among the later half of the held-back frames: the loop
        starts after it (those held frames first) and ends by fading into the frames up to it."""
        after = [*self.held[1:], following]
        candidates = range(self.overlap // 2, self.overlap)
        wrap = min(candidates, key=lambda i: frame_change(self.held[i], after[i]))
        self.fade = wrap + 1
        self.opening = self.held[wrap + 1 :]

    def _emit(self, rgb: np.ndarray, time_base: Fraction) -> None:
        for early in self.opening:
            self._write(early, time_base)
        self.opening = []
        self._write(rgb, time_base)

    def _write(self, rgb: np.ndarray, time_base: Fraction) -> None:
        position = self.written
        if position >= self.frames:
            return  # dreamed beyond the loop's end: the wrap came earlier than the latest it could
        self.written += 1
        if position >= self.frames - self.fade:
            early = position - (self.frames - self.fade)  # fades into held-back frame ``early``
            rgb = ease_into(rgb, self.held[early], smooth((early + 1) / self.fade))
        self.pass_on(Frame(rgb, position, time_base))

    @property
    def total(self) -> int:
        return self.warmup + self.overlap + self.frames
