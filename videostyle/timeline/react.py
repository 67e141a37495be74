"""Audio-reactive settings: ``TARGET=FEATURE[:SCALE]`` maps a feature of the music onto a parameter.

``zoom=onset:0.05`` adds 0.05 x the onset strength (0..1) to the zoom factor of each frame;
``strength=loudness`` adds the loudness to the style strength; ``rotate=onset.low:-2`` turns the
camera 2 degrees clockwise on each bass hit. Several mappings onto one target add up, and the sum is
added to the target's own (constant or keyframed) value. FEATURE is one of ``audio.FEATURES``
(``loudness``, ``onset``, each also ``.low``, ``.mid``, ``.high``); SCALE defaults to 1.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import OptionError
from ..media import read_frames
from .audio import FEATURES, AudioFeatures, analyse, decode_mono
from .options import ReactOptions

TARGETS: dict[str, str] = {
    "zoom": "added to the zoom factor (dream zoom animations)",
    "rotate": "degrees added to the rotation (dream zoom animations)",
    "step": "relative change of the dream step size: step x (1 + value)",
    "strength": "added to the style strength (the optimizing engine)",
    "alpha": "added to --alpha, kept in 0..1 (networks that take any style)",
    "mix": "weight moved from the first to the second of two styles of a multi-style network (--style-mix, --style-at numbers)",
}


@dataclass(frozen=True)
class Reaction:
    """``target`` moves by ``scale`` x ``feature`` on each frame."""

    target: str
    feature: str
    scale: float = 1.0


def parse_reaction(text: str) -> Reaction:
    """``zoom=onset:0.05`` -> Reaction("zoom", "onset", 0.05)."""
    target, sep, rest = text.replace(" ", "").partition("=")
    feature, _, scale_text = rest.partition(":")
    if not sep or target not in TARGETS or feature not in FEATURES:
        raise OptionError(
            f"--react {text!r} should be TARGET=FEATURE[:SCALE] with TARGET one of {', '.join(TARGETS)} "
            f"and FEATURE one of {', '.join(FEATURES)}, e.g. zoom=onset:0.05"
        )
    try:
        scale = float(scale_text) if scale_text else 1.0
    except ValueError:
        scale = math.nan
    if not math.isfinite(scale):
        raise OptionError(f"--react {text!r}: the scale {scale_text!r} should be a number")
    return Reaction(target, feature, scale)


@dataclass(frozen=True)
class Offsets:
    """The per-frame offsets of each target, from the features of a clip."""

    reactions: tuple[Reaction, ...]
    features: AudioFeatures

    def at(self, index: int) -> dict[str, float]:
        """target -> offset on frame ``index`` (targets without a mapping: 0)."""
        values = self.features.at(index)
        offsets = dict.fromkeys(TARGETS, 0.0)
        for reaction in self.reactions:
            offsets[reaction.target] += reaction.scale * values[reaction.feature]
        return offsets


def reaction_offsets(
    options: ReactOptions, times: Sequence[float], source: str | os.PathLike | None = None, origin: float = 0.0
) -> Offsets | None:
    """The offsets of frames at ``times`` (seconds after the first frame). The soundtrack is
    ``options.audio`` from its start, else that of ``source`` with the first frame at ``origin``
    seconds of it. None when nothing reacts."""
    reactions = options.reactions()
    if not reactions:
        return None
    if options.audio is not None:
        pcm = decode_mono(options.audio)
        origin = pcm.start
    elif source is not None:
        pcm = decode_mono(source)
    else:
        raise OptionError("--react needs a soundtrack: a still image has none, give one with --audio FILE")
    return Offsets(reactions, analyse(pcm, times, origin))


def video_offsets(
    options: ReactOptions, source: str | os.PathLike, start: float | None = None, duration: float | None = None
) -> Offsets | None:
    """The offsets of the frames of ``source`` in [start, start + duration), timed by their presentation
    times (the frames are decoded once for them, so a variable frame rate is followed exactly)."""
    if not options.react:
        return None
    frames = read_frames(source, start, duration)
    times = [frame.time for frame in frames]
    return reaction_offsets(options, [t - times[0] for t in times], source, times[0])
