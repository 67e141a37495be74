"""Parameters that change over a clip: constants, ramps and keyframes, parsed from short strings.

One syntax for every scheduled parameter (dream motion, style keyframes, style strength, alpha).
A keyframe is ``TIME:VALUE``; TIME is a frame number (``48``), seconds (``8s``, ``2.5s``) or a
timecode (``1:30``, ``0:01:30.5``: minutes or hours, then two-digit fields). Frames count from the
job's first frame and times from its first frame's presentation time, so keyframes in seconds follow
a variable frame rate exactly. Grammar of a whole schedule string (each VALUE is one number, or
``dims`` comma-separated numbers such as ``dx,dy``):

- ``VALUE``                     the same value on every frame: ``1.05``, ``2,0``
- ``START:END``                 a linear ramp from the first frame to the last: ``1.02:1.08``, ``0,0:4,2``
- ``TIME:VALUE,TIME:VALUE,...`` keyframes, eased in between and held outside: ``0:1.0,50:1.05``.
  Keyframes of vector values are separated by ``;`` instead: ``0:0,0;50:4,2`` (``;`` works for numbers too).

Between two keyframes the value follows an ease: ``linear``, ``smooth`` (smoothstep: no jolt at either
keyframe) or ``hold`` (the earlier keyframe's value until the next one).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..errors import OptionError

Value = tuple[float, ...]

EASES: dict[str, Callable[[float], float]] = {
    "linear": lambda t: t,
    "smooth": lambda t: t * t * (3 - 2 * t),
    "hold": lambda t: 0.0,
}

_TIME = r"(?P<time>\d+(?:\.\d+)?s|\d+:\d\d(?::\d\d)?(?:\.\d+)?|\d+)"
_KEY = re.compile(_TIME + r":(?P<value>.+)", re.DOTALL)


@dataclass(frozen=True)
class Moment:
    """Where a frame lies: its ``index`` from the job's first frame, ``seconds`` after that frame, the
    job's ``total`` frames (None if unknown) and nominal ``fps`` (turns frame keyframes into seconds
    when a schedule mixes the two)."""

    index: int
    seconds: float
    total: int | None = None
    fps: float | None = None

    @classmethod
    def of_frame(cls, index: int, total: int | None = None, fps: float = 30.0) -> Moment:
        """A frame of a constant-rate clip (generated animations)."""
        return cls(index, index / fps, total, fps)


@dataclass(frozen=True)
class Mark:
    """A keyframe's position: ``amount`` of ``unit`` ("frame", "second", or "relative": 0 first, 1 last frame)."""

    amount: float
    unit: str = "frame"

    def on(self, moment: Moment, in_seconds: bool) -> float:
        if self.unit == "relative":
            total = moment.total or 1
            return self.amount * (total - 1)
        if in_seconds and self.unit == "frame":
            return self.amount / (moment.fps or 30.0)
        return self.amount


@dataclass(frozen=True)
class Schedule:
    """Values at marks, eased in between (``ease``: a name in ``EASES``) and held outside."""

    points: tuple[tuple[Mark, Value], ...]
    ease: str = "linear"

    @classmethod
    def constant(cls, *value: float) -> Schedule:
        return cls(((Mark(0.0), tuple(float(v) for v in value)),))

    @property
    def keyed(self) -> bool:
        """True when the value changes over the clip."""
        return len({value for _, value in self.points}) > 1

    def at(self, moment: Moment) -> Value:
        """The value at ``moment``; frames are compared by index unless some keyframe is in seconds."""
        in_seconds = any(mark.unit == "second" for mark, _ in self.points)
        pos = moment.seconds if in_seconds else float(moment.index)
        if any(mark.unit == "relative" for mark, _ in self.points):
            pos = float(moment.index)
        points = sorted(((mark.on(moment, in_seconds), value) for mark, value in self.points), key=lambda p: p[0])
        if pos <= points[0][0]:
            return points[0][1]
        for (p0, v0), (p1, v1) in zip(points, points[1:]):
            if pos < p1:
                t = EASES[self.ease]((pos - p0) / (p1 - p0))
                return tuple(a + (b - a) * t for a, b in zip(v0, v1))
        return points[-1][1]

    def frames(self, total: int, fps: float = 30.0) -> list[Value]:
        """The values of a ``total``-frame constant-rate animation."""
        return [self.at(Moment.of_frame(i, total, fps)) for i in range(total)]

    def eased(self, ease: str) -> Schedule:
        check_ease(ease)
        return Schedule(self.points, ease)


def check_ease(ease: str) -> None:
    if ease not in EASES:
        raise OptionError(f"--ease {ease!r}: choose one of {', '.join(EASES)}")


def parse_time(text: str, what: str = "keyframe") -> Mark:
    """``48`` (a frame), ``8s`` / ``2.5s`` (seconds) or ``1:30`` / ``0:01:30.5`` (a timecode) -> a Mark."""
    if re.fullmatch(r"\d+", text):
        return Mark(float(text))
    if re.fullmatch(r"\d+(?:\.\d+)?s", text):
        return Mark(float(text[:-1]), "second")
    if re.fullmatch(r"\d+:\d\d(?::\d\d)?(?:\.\d+)?", text):
        seconds = 0.0
        for part in text.split(":"):
            seconds = seconds * 60 + float(part)
        return Mark(seconds, "second")
    raise OptionError(f"{what}: time {text!r} should be a frame number (48), seconds (8s) or a timecode (1:30)")


def split_key(entry: str, what: str = "keyframe") -> tuple[Mark, str]:
    """``TIME:VALUE`` -> (its Mark, the VALUE text); VALUE may hold colons (a path)."""
    match = _KEY.fullmatch(entry.strip())
    if match is None:
        raise OptionError(f"{what}: keyframe {entry!r} should be TIME:VALUE, e.g. 0:1.0, 8s:0.5 or 1:30:0.5")
    return parse_time(match["time"], what), match["value"]


def _numbers(text: str, dims: int, what: str, whole: str) -> Value:
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        values = ()
    if len(values) != dims or not all(math.isfinite(v) for v in values):
        shape = "a number" if dims == 1 else f"{dims} comma-separated numbers"
        raise OptionError(f"{what} {whole!r}: {text!r} should be {shape} (see --help for ramps and keyframes)")
    return values


def keyframes(entries: Sequence[tuple[Mark, Value]], what: str, ease: str = "linear") -> Schedule:
    """A Schedule of keyframes, refusing two at the same time."""
    check_ease(ease)
    seen = set()
    for mark, _ in entries:
        if mark in seen:
            raise OptionError(f"{what}: two keyframes at {mark.amount:g}{'s' if mark.unit == 'second' else ''}")
        seen.add(mark)
    return Schedule(tuple(entries), ease)


def parse_keyframes(entries: Sequence[str], dims: int = 1, what: str = "value", ease: str = "linear") -> Schedule:
    """Repeated ``TIME:VALUE`` options (``--strength-at 0:1 --strength-at 8s:0.5``) -> a Schedule."""
    if not entries:
        raise OptionError(f"{what} needs at least one TIME:VALUE keyframe")
    keys = []
    for entry in entries:
        mark, value = split_key(entry, what)
        keys.append((mark, _numbers(value, dims, what, entry)))
    return keyframes(keys, what, ease)


def parse_schedule(text: str, dims: int = 1, what: str = "value", ease: str = "linear") -> Schedule:
    """Parse a constant, a ``START:END`` ramp or a keyframe list (see the module docstring)."""
    text = text.strip().replace(" ", "")
    if not text:
        raise OptionError(f"{what} is empty")
    keyframe_list = ";" in text or (dims == 1 and "," in text)
    if not keyframe_list:
        parts = text.split(":")
        if len(parts) == 1:
            return Schedule(((Mark(0.0), _numbers(text, dims, what, text)),))
        if len(parts) != 2:
            raise OptionError(f"{what} {text!r}: a ramp is START:END, keyframes are TIME:VALUE,TIME:VALUE")
        start, end = (_numbers(part, dims, what, text) for part in parts)
        return keyframes([(Mark(0.0, "relative"), start), (Mark(1.0, "relative"), end)], what, ease)
    return parse_keyframes(list(filter(None, text.split(";" if ";" in text else ","))), dims, what, ease)
