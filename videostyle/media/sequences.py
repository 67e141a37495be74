"""Image sequences as videos: a printf pattern (``plate.%04d.exr``) or a folder of numbered frames.

A sequence has no timing of its own: frame ``n`` of it (counted from its first file) gets pts ``n``
in a time base of 1/fps. Its frame numbers are kept in :attr:`VideoInfo.first_number` so an output
sequence can carry them on. Everything that would make the frames ambiguous (no frame, a gap in the
numbers, frames of different sizes, several sequences in one folder) is one error at open time.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from ..errors import InputError, OptionError
from .video_reader import Frame, VideoInfo, check_trim

DEFAULT_FPS = Fraction(24)
"""The film rate: what compositing packages assume for a sequence when told nothing."""

_FIELD = re.compile(r"%(0(\d+))?d")
_NUMBERED = re.compile(r"^(.*?)(\d+)$")


def is_pattern(path: str | os.PathLike) -> bool:
    """A file name with one printf number field (``%04d``, ``%d``): a sequence, not a file."""
    return len(_FIELD.findall(Path(path).name)) == 1


def is_sequence(path: str | os.PathLike) -> bool:
    """A pattern, or an existing folder (of numbered frames), as an input."""
    return is_pattern(path) or Path(path).is_dir()


@dataclass(frozen=True)
class Sequence:
    """The frames of a sequence: ``pattern % number`` for each of ``numbers`` (consecutive)."""

    pattern: str
    numbers: range

    def path(self, number: int) -> Path:
        return Path(self.pattern % number)

    def files(self) -> list[Path]:
        """Every frame's file, in order: what a job made from the sequence depends on."""
        return [self.path(number) for number in self.numbers]


def find_sequence(spec: str | os.PathLike, start_number: int | None = None) -> Sequence:
    """The frames of ``spec`` (a pattern or a folder), from ``start_number`` (default: the lowest found)."""
    from .stills import SEQUENCE_EXTS  # OpenCV loads when a sequence is used, not for --help
    pattern = _folder_pattern(Path(spec)) if Path(spec).is_dir() else str(spec)
    if not is_pattern(pattern):
        raise InputError(f"{spec}: not an image sequence; give a pattern like frames/%04d.png or a folder")
    folder, name = Path(pattern).parent, Path(pattern).name
    if Path(name).suffix.lower() not in SEQUENCE_EXTS:
        raise InputError(f"{spec}: sequences of {Path(name).suffix or 'extension-less'} files are not supported; use one of {' '.join(sorted(SEQUENCE_EXTS))}")
    if not folder.is_dir():
        raise InputError(f"{folder} does not exist")
    numbers = frame_numbers(pattern)
    if start_number is not None:
        numbers = [n for n in numbers if n >= start_number]
    if not numbers:
        where = f" from number {start_number}" if start_number is not None else ""
        raise InputError(f"{spec}: no frames found{where}")
    if start_number is not None and numbers[0] != start_number:
        raise InputError(f"{spec}: frame {start_number} is missing (the first one found is {numbers[0]})")
    for previous, number in zip(numbers, numbers[1:]):
        if number != previous + 1:
            missing = f"{previous + 1}" if number == previous + 2 else f"{previous + 1}-{number - 1}"
            raise InputError(f"{spec}: frames {missing} are missing (a gap after frame {previous}); fill it or split the sequence")
    return Sequence(pattern, range(numbers[0], numbers[-1] + 1))


def frame_numbers(pattern: str | os.PathLike) -> list[int]:
    """The numbers of the files that exist for ``pattern``, ascending (any numbers, gaps allowed): an
    output sequence's frames as they lie on disk, and the raw material of :func:`find_sequence`."""
    folder, name = Path(pattern).parent, Path(pattern).name
    if not folder.is_dir():
        return []
    parts = _FIELD.split(name, maxsplit=1)
    matcher = re.compile(re.escape(parts[0].replace("%%", "%")) + r"(\d+)" + re.escape(parts[-1].replace("%%", "%")) + "$")
    return sorted(
        int(m.group(1)) for entry in os.scandir(folder)
        if (m := matcher.match(entry.name)) and name % int(m.group(1)) == entry.name
    )


def folder_sequence(folder: str | os.PathLike) -> str | None:
    """The pattern of ``folder`` when its frames (files of the sequence extensions) are all numbered
    frames of one sequence, at least two; None for a folder of other pictures (or of nothing)."""
    from .stills import SEQUENCE_EXTS  # OpenCV loads when a sequence is used, not for --help
    names = [e.name for e in os.scandir(folder) if e.is_file() and not e.name.startswith(".") and os.path.splitext(e.name)[1].lower() in SEQUENCE_EXTS]
    if len(names) < 2:
        return None
    try:
        pattern = _folder_pattern(Path(folder))
    except InputError:
        return None
    matcher = re.compile(re.escape(_FIELD.split(Path(pattern).name)[0].replace("%%", "%")) + r"\d+" + re.escape(Path(pattern).suffix) + "$")
    return pattern if all(matcher.match(name) for name in names) else None


def _folder_pattern(folder: Path) -> str:
    """The one numbered sequence in ``folder`` as a pattern (``%0Nd`` when all numbers are N wide)."""
    from .stills import SEQUENCE_EXTS  # OpenCV loads when a sequence is used, not for --help
    groups: dict[tuple[str, str], set[int]] = {}
    for entry in os.scandir(folder):
        stem, ext = os.path.splitext(entry.name)
        if ext.lower() in SEQUENCE_EXTS and (m := _NUMBERED.match(stem)):
            groups.setdefault((m.group(1), ext), set()).add(len(m.group(2)))
    if not groups:
        raise InputError(f"{folder} holds no numbered frames ({' '.join(sorted(SEQUENCE_EXTS))})")
    if len(groups) > 1:
        names = ", ".join(f"{head}#{ext}" for head, ext in sorted(groups))
        raise InputError(f"{folder} holds several sequences ({names}); give a pattern like {folder}/frame.%04d.png")
    (head, ext), widths = next(iter(groups.items()))
    field = f"%0{min(widths)}d" if len(widths) == 1 or min(widths) > 1 else "%d"
    return str(folder / f"{head.replace('%', '%%')}{field}{ext}")


def probe_sequence(sequence: Sequence, fps: Fraction | None = None) -> VideoInfo:
    """Describe ``sequence`` like a video at ``fps`` (default 24); every frame's size is checked here."""
    from .stills import still_size  # OpenCV loads when a sequence is used, not for --help
    rate = Fraction(fps) if fps is not None else DEFAULT_FPS
    if rate <= 0:
        raise OptionError(f"--fps must be positive, not {rate}")
    first = sequence.path(sequence.numbers[0])
    width, height = still_size(first)
    for number in sequence.numbers[1:]:
        size = still_size(sequence.path(number))
        if size != (width, height):
            raise InputError(
                f"{sequence.path(number)} is {size[0]}x{size[1]} but {first.name} is {width}x{height}; "
                "a sequence's frames must all have one size"
            )
    count = len(sequence.numbers)
    return VideoInfo(
        width=width, height=height, fps=rate, time_base=1 / rate, duration=float(count / rate),
        frame_count=count, rotation=0, has_audio=False, audio_codec=None, first_number=sequence.numbers[0],
    )


def read_sequence(
    sequence: Sequence,
    info: VideoInfo,
    start: float | None = None,
    duration: float | None = None,
    display_referred: bool = False,
) -> Iterator[Frame]:
    """Yield the frames whose time lies in [start, start + duration), each with its file's alpha."""
    from .stills import read_still  # OpenCV loads when a sequence is used, not for --help
    check_trim(start, duration)
    first = math.ceil((start or 0.0) * info.fps - 1e-6)
    end = len(sequence.numbers) if duration is None else min(len(sequence.numbers), math.ceil(((start or 0.0) + duration) * info.fps - 1e-6))
    if first >= len(sequence.numbers):
        raise InputError(f"{sequence.pattern} has no frame after {start:g} s; use a smaller --start")
    for index in range(first, end):
        still = read_still(sequence.path(sequence.numbers[index]), display_referred)
        yield Frame(still.rgb, index, info.time_base, alpha=still.alpha)
