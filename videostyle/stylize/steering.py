"""Style keyframes and strength keyframes on the optimizing engine: the stylizer set for each frame."""

from __future__ import annotations

import os
from collections.abc import Sequence

import torch

from ..errors import OptionError
from ..timeline import Moment, TimelineOptions
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


def style_steer(stylizer: Stylizer, timeline: TimelineOptions) -> Steer:
    """Per frame: the keyframed blend of the styles and the keyframed style strength (where given).

    The blend moves the Gram (or moment) targets smoothly, frame by frame; the temporal prior is left
    alone, so a transition is carried along the flow like any other frame, not restarted like a cut.
    """
    keys = timeline.style_keys()
    strength = timeline.strength() if timeline.strength_at else None

    def steer(moments: Sequence[Moment]) -> None:
        (moment,) = moments  # the optimizing engine takes one frame at a time
        blend = keys.schedule.at(moment) if keys is not None else stylizer.blend
        stylizer.steer(blend, strength.at(moment)[0] if strength is not None else stylizer.options.style_strength)

    return steer
