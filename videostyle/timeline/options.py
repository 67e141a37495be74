"""What changes over a video job, as the user wrote it; parsed and checked once, here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from ..errors import OptionError
from ..names import EASE_NAMES
from ..spec import Media, option
from .schedule import Schedule, check_ease, keyframes, parse_keyframes, split_key

if TYPE_CHECKING:
    from ..media import AudioFile
    from .react import Reaction


@dataclass(frozen=True)
class StyleKeys:
    """Style keyframes: the distinct style ``files`` (first use first) and a schedule of weights over
    them, one-hot at each keyframe and eased in between."""

    files: tuple[Path, ...]
    schedule: Schedule

    @property
    def numbers(self) -> tuple[int, ...] | None:
        """The keyed styles as style numbers of a multi-style network (``--style-at 0:3``), or None for files."""
        numbered = [str(f).isdigit() for f in self.files]
        if any(numbered) and not all(numbered):
            raise OptionError("--style-at: give style images or style numbers of the model (0:3), not both")
        return tuple(int(str(f)) for f in self.files) if all(numbered) else None


def style_key_files(entries: Sequence[str]) -> tuple[Path, ...]:
    """The style images that ``--style-at`` entries name (none for style numbers): files a job reads."""
    keys = parse_style_keys(tuple(entries)) if entries else None
    return () if keys is None or keys.numbers is not None else keys.files


def parse_style_keys(entries: tuple[str, ...], ease: str = "linear") -> StyleKeys:
    """``("0:a.jpg", "8s:b.jpg")`` -> StyleKeys; the same file may come back later (A, B, A)."""
    keys = [split_key(entry, "--style-at") for entry in entries]
    files = tuple(dict.fromkeys(Path(path) for _, path in keys))
    one_hot = [(mark, tuple(float(f == Path(path)) for f in files)) for mark, path in keys]
    return StyleKeys(files, keyframes(one_hot, "--style-at", ease))


@dataclass(frozen=True)
class TimelineOptions:
    """``style_at``: style keyframes TIME:STYLE_FILE; ``strength_at``: keyframes TIME:VALUE of the
    style strength (optimization); ``alpha_at``: keyframes of ``--alpha`` (networks that take any style);
    ``ease`` between keyframes (see timeline.schedule); ``loop``: a
    video that plays seamlessly in a loop (see timeline.loop)."""

    MEDIA: ClassVar[Media] = "video-in"

    style_at: tuple[str, ...] = option(
        (), "Video: style keyframe TIME:STYLE (TIME a frame, 8s or 1:30), repeat, e.g. --style-at 0:a.jpg "
        "--style-at 8s:b.jpg; replaces -s. With builtin:0..25, a style number: 0:3.", repeat=True, metavar="TIME:STYLE",
    )
    strength_at: tuple[str, ...] = option(
        (), "Video: --style-strength keyframe TIME:VALUE, repeat.", repeat=True, metavar="TIME:VALUE",
        engines=("optimization",),
    )
    alpha_at: tuple[str, ...] = option(
        (), "Video, --model with -s: --alpha keyframe TIME:VALUE, repeat.", repeat=True, metavar="TIME:VALUE",
        engines=("model",),
    )
    ease: str = option("linear", "Video: how keyframed values move between keyframes.", choices=EASE_NAMES)
    loop: bool = option(
        False, "Video: make the clip loop: its first frame carried from its end, the end eased into it "
        "(prints the loop-closure change; not resumable). With --model, carried only with --stabilize.",
    )

    def __post_init__(self) -> None:
        check_ease(self.ease)
        self.style_keys()
        for _, (value,) in self.strength().points:
            if not 0 <= value <= 1.5:
                raise OptionError(f"--strength-at value {value:g} is out of range 0..1.5")
        for _, (value,) in self.alpha().points:
            if not 0 <= value <= 1:
                raise OptionError(f"--alpha-at value {value:g} is out of range 0..1")

    @property
    def keyed(self) -> bool:
        return bool(self.style_at or self.strength_at or self.alpha_at)

    def style_keys(self) -> StyleKeys | None:
        return parse_style_keys(self.style_at, self.ease) if self.style_at else None

    def strength(self) -> Schedule:
        return parse_keyframes(self.strength_at, 1, "--strength-at", self.ease) if self.strength_at else Schedule.constant(1.0)

    def alpha(self) -> Schedule:
        return parse_keyframes(self.alpha_at, 1, "--alpha-at", self.ease) if self.alpha_at else Schedule.constant(1.0)


@dataclass(frozen=True)
class ReactOptions:
    """``react``: mappings TARGET=FEATURE[:SCALE]; ``audio``: the soundtrack that drives them and is
    muxed into the output (None: the input video's own)."""

    MEDIA: ClassVar[Media] = "video-out"

    react: tuple[str, ...] = option(
        (), "Move a parameter with the music: TARGET=FEATURE[:SCALE], e.g. zoom=onset:0.05 or strength=loudness; "
        "TARGET zoom, rotate, step (dream), strength (stylize without --model), alpha (--model with -s) or mix (a multi-style --model between two styles), FEATURE loudness or onset "
        "(or .low/.mid/.high of either); repeatable.", repeat=True, metavar="TARGET=FEATURE[:SCALE]",
    )
    audio: Path | None = option(
        None, "Drive --react with this soundtrack (an audio or video file) and mux it into the output, from the "
        "first frame, cut to the video.", metavar="FILE",
    )

    def __post_init__(self) -> None:
        self.reactions()

    def reactions(self) -> tuple[Reaction, ...]:
        from .react import parse_reaction

        return tuple(parse_reaction(text) for text in self.react)

    def soundtrack(self, seconds: float | None) -> AudioFile | None:
        """What the output's audio comes from when ``audio`` is given: that file, cut at ``seconds``."""
        from ..media import AudioFile

        return AudioFile(self.audio, seconds) if self.audio is not None else None

    def check_targets(self, allowed: Sequence[str], job: str) -> None:
        """Refuse a mapping whose target ``job`` has no such parameter."""
        for reaction in self.reactions():
            if reaction.target not in allowed:
                raise OptionError(f"--react {reaction.target}=...: {job} has no {reaction.target}; it takes {', '.join(allowed)}")
