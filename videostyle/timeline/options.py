"""What changes over a video job, as the user wrote it; parsed and checked once, here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import OptionError
from .schedule import Schedule, check_ease, keyframes, parse_keyframes, split_key


@dataclass(frozen=True)
class StyleKeys:
    """Style keyframes: the distinct style ``files`` (first use first) and a schedule of weights over
    them, one-hot at each keyframe and eased in between."""

    files: tuple[Path, ...]
    schedule: Schedule


def parse_style_keys(entries: tuple[str, ...], ease: str = "linear") -> StyleKeys:
    """``("0:a.jpg", "8s:b.jpg")`` -> StyleKeys; the same file may come back later (A, B, A)."""
    keys = [split_key(entry, "--style-at") for entry in entries]
    files = tuple(dict.fromkeys(Path(path) for _, path in keys))
    one_hot = [(mark, tuple(float(f == Path(path)) for f in files)) for mark, path in keys]
    return StyleKeys(files, keyframes(one_hot, "--style-at", ease))


@dataclass(frozen=True)
class TimelineOptions:
    """``style_at``: style keyframes TIME:STYLE_FILE; ``strength_at``: keyframes TIME:VALUE of the
    style strength (optimization); ``ease`` between keyframes (see timeline.schedule)."""

    style_at: tuple[str, ...] = ()
    strength_at: tuple[str, ...] = ()
    ease: str = "linear"

    def __post_init__(self) -> None:
        check_ease(self.ease)
        self.style_keys()
        for _, (value,) in self.strength().points:
            if not 0 <= value <= 1.5:
                raise OptionError(f"--strength-at value {value:g} is out of range 0..1.5")

    @property
    def keyed(self) -> bool:
        return bool(self.style_at or self.strength_at)

    def style_keys(self) -> StyleKeys | None:
        return parse_style_keys(self.style_at, self.ease) if self.style_at else None

    def strength(self) -> Schedule:
        return parse_keyframes(self.strength_at, 1, "--strength-at", self.ease) if self.strength_at else Schedule.constant(1.0)
