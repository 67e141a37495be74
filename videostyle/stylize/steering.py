"""Style keyframes and strength keyframes on the optimizing engine: the stylizer set for each frame."""

from __future__ import annotations

import os
from collections.abc import Sequence

import torch

from ..color import carry_moments
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
    if keys.numbers is not None:
        raise OptionError("--style-at: style numbers (0:3) pick the styles of --model builtin:0..25; give the optimizing engine style images")
    return keys.files


class StyleTransition:
    """Carries the temporal prior across a change of style blend (a ``temporal.Restyle``).

    A warm frame starts from, and is held to, the previous result warped into it. Under style keyframes
    that result has the previous frame's blend, and a few warm steps against the new blend barely move
    it: in tests/stylize/test_keyframes.py an A->B clip's colours were 0.04 of the way to B two frames
    after its B keyframe (0.87 now). So the warped result is first recolored by the change of the blend's
    palette on this frame's content (the recolored start ``Stylizer.palette`` gives a first frame): the
    per-channel map taking the earlier blend's palette mean and spread to the new one's
    (``color.carry_moments``). The prior then holds motion and texture while the colors follow the keys.
    A global map, not the per-pixel difference of the two palettes: that one followed as well but
    raised the transition's warping error to 1.85x the steady parts' (the moments: 1.46x; bench, 64 px,
    a 16-frame transition; 1.17x over 24 frames at 80 px, where the uncarried prior had 0.94x and a
    cross-fade of A-only and B-only 0.99x). Stateless between frames (the earlier blend comes from the
    schedule), so a resumed job carries exactly as an uninterrupted one.
    """

    def __init__(self, stylizer: Stylizer, timeline: TimelineOptions) -> None:
        self.stylizer = stylizer
        self.keys = timeline.style_keys()
        self.moment: Moment | None = None
        """The frame being stylized; set by the steer (``style_steer``)."""

    def __call__(self, content: torch.Tensor, earlier: torch.Tensor, back: int) -> torch.Tensor:
        if self.keys is None or self.moment is None:
            return earlier
        m = self.moment
        then = self.keys.schedule.at(Moment(m.index - back, m.seconds - back / (m.fps or 30.0), m.total, m.fps))
        if then == self.stylizer.blend:
            return earlier
        before, after = self.stylizer.palette(content, then), self.stylizer.palette(content, self.stylizer.blend)
        return earlier if before is None or after is None else carry_moments(earlier, before, after).clamp(0, 1)


def style_steer(
    stylizer: Stylizer, timeline: TimelineOptions, offsets: Offsets | None = None, transition: StyleTransition | None = None
) -> Steer:
    """Per frame: the keyframed blend of the styles and the keyframed style strength (where given),
    plus the audio reaction's strength offset (``offsets``; the sum kept in 0..1.5).

    The blend moves the Gram (or moment) targets smoothly, frame by frame; a transition is carried along
    the flow like any other frame, not restarted like a cut, with the prior's earlier results brought
    to the new blend by ``transition`` (told each frame's moment here).
    """
    keys = timeline.style_keys()
    base = stylizer.options.style_strength  # None: the engine's own weights, untouched unless steered
    strength = timeline.strength() if timeline.strength_at else Schedule.constant(1.0 if base is None else base)

    def steer(moments: Sequence[Moment]) -> None:
        (moment,) = moments  # the optimizing engine takes one frame at a time
        if transition is not None:
            transition.moment = moment
        blend = keys.schedule.at(moment) if keys is not None else stylizer.blend
        nudge = offsets.at(moment.index)["strength"] if offsets is not None else 0.0
        steered = timeline.strength_at or nudge
        stylizer.steer(blend, min(1.5, max(0.0, strength.at(moment)[0] + nudge)) if steered else base)

    return steer
