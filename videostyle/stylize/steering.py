"""Style keyframes and strength keyframes on the optimizing engine: the stylizer set for each frame."""

from __future__ import annotations

import os
from collections.abc import Sequence

import torch

from ..errors import OptionError
from ..timeline import Moment, Schedule, TimelineOptions
from ..timeline.react import Offsets
from ..timeline.steer import Steer
from .stylizer import Stylizer


def keyed_styles(
    styles: Sequence[str | os.PathLike | torch.Tensor], timeline: TimelineOptions
) -> Sequence[str | os.PathLike | torch.Tensor]:
    """The style images of a job: ``styles`` (-s), or the files the style keyframes name."""
    keys = timeline.style_keys()
    if keys is None:
        return styles
    if styles:
        raise OptionError("give the styles either with -s (one blend for the whole clip) or with --style-at, not both")
    return keys.files


def style_steer(stylizer: Stylizer, timeline: TimelineOptions, offsets: Offsets | None = None) -> Steer:
    """Per frame: the keyframed blend of the styles and the keyframed style strength (where given),
    plus the audio reaction's strength offset (``offsets``; the sum kept in 0..1.5).

    The blend moves the Gram (or moment) targets smoothly, frame by frame; the temporal prior is left
    alone, so a transition is carried along the flow like any other frame, not restarted like a cut.
    """
    keys = timeline.style_keys()
    base = stylizer.options.style_strength  # None: the engine's own weights, untouched unless steered
    strength = timeline.strength() if timeline.strength_at else Schedule.constant(1.0 if base is None else base)

    def steer(moments: Sequence[Moment]) -> None:
        (moment,) = moments  # the optimizing engine takes one frame at a time
        blend = keys.schedule.at(moment) if keys is not None else stylizer.blend
        nudge = offsets.at(moment.index)["strength"] if offsets is not None else 0.0
        steered = timeline.strength_at or nudge
        stylizer.steer(blend, min(1.5, max(0.0, strength.at(moment)[0] + nudge)) if steered else base)

    return steer
