"""Named quality/speed presets every engine (and training) understands: ``--quality draft|standard|fine`` (and ``auto``).

A preset is a set of defaults per option class: it changes what the user did not set, never what they
did. ``standard`` is the classes' own defaults. ``draft`` is for trying things on a laptop's CPU (a
video by optimization in minutes, not hours: the settings ``make run`` used by hand); ``fine`` spends
more for a final render. ``auto``, the default, is ``draft`` for a video by optimization on a CPU and
``standard`` everywhere else.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, TypeVar

from .spec import option

QUALITIES = ("auto", "draft", "standard", "fine")

PRESETS: dict[str, dict[str, dict[str, Any]]] = {
    "draft": {
        "StyleOptions": {"steps": 80},
        "TemporalOptions": {"warm_steps": 10, "warm_limit": 20},
        "DreamOptions": {"octaves": 3, "steps": 5},
        "DreamVideoOptions": {"flow_preset": "fast"},
        "InferenceOptions": {"flow_preset": "fast"},
        "TrainOptions": {"steps": 1000, "size": 192},
    },
    "standard": {},
    "fine": {
        "StyleOptions": {"steps": 400, "scales": 2},
        "TemporalOptions": {"long_term": 2},
        "DreamOptions": {"octaves": 5, "steps": 20},
        "TrainOptions": {"steps": 20000},
    },
}
"""Preset -> option class name -> {field: value}; fields not named keep the class's default."""

FOLLOWS: dict[str, tuple[str, ...]] = {"TemporalOptions": ("steps",)}
"""A class's preset values that go with options of another class: draft's warm-frame steps suit its 80
steps; given ``--steps 300``, the warm frames take their usual share of those instead."""

T = TypeVar("T")


@dataclass(frozen=True)
class QualityOptions:
    quality: str = option(
        "auto", "Preset of steps and sizes for every engine: draft (quick look, a CPU's video in minutes), standard, "
        "fine (final render); auto: draft for a video by optimization on a CPU, else standard. Options you give win.",
        choices=QUALITIES,
    )

    def resolved(self, *, video: bool, optimizing: bool, cpu: bool) -> str:
        """``quality``, with ``auto`` made concrete for a job."""
        return resolve_quality(self.quality, video=video, optimizing=optimizing, cpu=cpu)


def resolve_quality(quality: str, *, video: bool, optimizing: bool, cpu: bool) -> str:
    """``auto`` made concrete for a job."""
    if quality != "auto":
        return quality
    return "draft" if video and optimizing and cpu else "standard"


def preset_values(quality: str, cls: type, given: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The fields preset ``quality`` sets in ``cls`` (``auto`` must be resolved first), none of which the
    user ``given``; none at all when they gave an option these values go with (``FOLLOWS``)."""
    if given & set(FOLLOWS.get(cls.__name__, ())):
        return {}
    return {k: v for k, v in PRESETS[quality].get(cls.__name__, {}).items() if k not in given}


def with_preset(options: T, quality: str) -> T:
    """``options`` with preset ``quality``'s values (for Python callers: every field, given or not)."""
    return dataclasses.replace(options, **preset_values(quality, type(options)))  # type: ignore[type-var]
