"""Parameters that change over an animation: constants, ramps and keyframes, parsed from short strings.

Grammar (each VALUE is one number, or ``dims`` comma-separated numbers such as ``dx,dy``):

- ``VALUE``                       the same value on every frame: ``1.05``, ``2,0``
- ``START:END``                   a linear ramp from the first frame to the last: ``1.02:1.08``, ``0,0:4,2``
- ``FRAME:VALUE,FRAME:VALUE,...`` keyframes, linear in between and held outside: ``0:1.0,50:1.05``.
  Keyframes of vector values are separated by ``;`` instead: ``0:0,0;50:4,2`` (``;`` works for numbers too).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from ..errors import OptionError

Value = tuple[float, ...]


@dataclass(frozen=True)
class Schedule:
    """Values at positions: frame numbers, or fractions of the animation (0 = first, 1 = last frame)."""

    points: tuple[tuple[float, Value], ...]
    relative: bool = False

    @classmethod
    def constant(cls, *value: float) -> Schedule:
        return cls(((0.0, tuple(float(v) for v in value)),))

    def at(self, frame: int, total: int) -> Value:
        """The value on ``frame`` (0-based) of a ``total``-frame animation."""
        pos = (frame / (total - 1) if total > 1 else 0.0) if self.relative else float(frame)
        positions = [p for p, _ in self.points]
        i = bisect.bisect_right(positions, pos)
        if i == 0:
            return self.points[0][1]
        if i == len(self.points):
            return self.points[-1][1]
        (p0, v0), (p1, v1) = self.points[i - 1], self.points[i]
        t = (pos - p0) / (p1 - p0)
        return tuple(a + (b - a) * t for a, b in zip(v0, v1))

    def values(self, total: int) -> list[Value]:
        return [self.at(i, total) for i in range(total)]


def _numbers(text: str, dims: int, what: str, whole: str) -> Value:
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        values = ()
    if len(values) != dims or not all(math.isfinite(v) for v in values):
        shape = "a number" if dims == 1 else f"{dims} comma-separated numbers"
        raise OptionError(f"{what} {whole!r}: {text!r} should be {shape} (see --help for ramps and keyframes)")
    return values


def parse_schedule(text: str, dims: int = 1, what: str = "value") -> Schedule:
    """Parse a constant, a ``START:END`` ramp or a keyframe list (see the module docstring)."""
    text = text.strip().replace(" ", "")
    if not text:
        raise OptionError(f"{what} is empty")
    keyframe_list = ";" in text or (dims == 1 and "," in text)
    if not keyframe_list:
        parts = text.split(":")
        if len(parts) == 1:
            return Schedule(((0.0, _numbers(text, dims, what, text)),))
        if len(parts) != 2:
            raise OptionError(f"{what} {text!r}: a ramp is START:END, keyframes are FRAME:VALUE,FRAME:VALUE")
        return Schedule(((0.0, _numbers(parts[0], dims, what, text)), (1.0, _numbers(parts[1], dims, what, text))), relative=True)
    points: dict[float, Value] = {}
    for entry in filter(None, text.split(";" if ";" in text else ",")):
        frame, sep, value = entry.partition(":")
        if not sep or not frame.isdigit():
            raise OptionError(f"{what} {text!r}: keyframe {entry!r} should be FRAME:VALUE with a frame number >= 0")
        if float(frame) in points:
            raise OptionError(f"{what} {text!r}: frame {frame} has two keyframes")
        points[float(frame)] = _numbers(value, dims, what, text)
    return Schedule(tuple(sorted(points.items())))
