"""Dreams that move with the music: per frame, the audio reaction's offsets set the step size and,
for the zoom animation, nudge the camera (see timeline.react)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..timeline import Moment
from ..timeline.react import Offsets
from ..timeline.steer import Steer
from .dreamer import Dreamer

if TYPE_CHECKING:
    from .animate import ZoomWork

MIN_STEP = 1e-4  # a reaction may calm the dream down, never turn its gradient ascent around


def react_steer(dreamer: Dreamer, offsets: Offsets, zoom: ZoomWork | None = None) -> Steer:
    """Per frame: step size x (1 + step offset), kept in [MIN_STEP, 1]; the zoom work's camera nudged
    by the zoom and rotate offsets."""
    base = dreamer.options.step_size

    def steer(moments: Sequence[Moment]) -> None:
        (moment,) = moments  # dreams take one frame at a time
        nudge = offsets.at(moment.index)
        dreamer.steer(min(1.0, max(MIN_STEP, base * (1 + nudge["step"]))))
        if zoom is not None:
            zoom.nudge = (nudge["zoom"], nudge["rotate"])

    return steer
