"""A chunk's last frames cross-faded into the next chunk's warm-up, so the seam between them is spread out.

The optimizing engine's frames carry their texture forward: each warm frame starts from the warped
previous result and is held to it, so the brush strokes of a long shot sit where the shot's first
frame put them. A chunk that starts inside a shot warms up from a cold frame and finds strokes of
its own, and no preroll length brings back the others (bench/bench_seam_cause.py: after 32 warm
frames the two renders still differ by 0.074 mean absolute, 93 % of it finer than 8 px, while
colour, sharpness and style loss differ little). So the chunk before runs the next chunk's warm-up
itself: over its last ``fade`` frames a second track starts cold on the frame where the next
chunk's warm-up starts, with a prior of its own, and makes the frames that warm-up makes (the same
on the CPU), and the written frame moves from this chunk's own result to the second track's by
``(j + 1) / (fade + 1)``. The next chunk's first frame continues the second track, so each pair of
the window takes ``1 / (fade + 1)`` of the difference instead of one pair taking all of it.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import Any

import numpy as np
import torch

from ..errors import OptionError
from .driver import FrameWork
from .prior import FramePrior


def fade_weight(position: int, length: int) -> float:
    """The next chunk's share of frame ``position`` (0-based) of a fade over ``length`` frames."""
    return (position + 1) / (length + 1)


def fade_window(chunk: tuple[int, int | None] | None, fade: int, first: int) -> tuple[int, int] | None:
    """The frames ``[end - fade, end)`` of ``chunk`` (None: no fade), checked against ``first``, the
    frame the job starts or resumes at."""
    if chunk is None or chunk[1] is None or fade == 0:
        return None
    window = (chunk[1] - fade, chunk[1])
    if window[0] < max(first, chunk[0]):
        raise OptionError(f"--fade {fade} reaches before frame {max(first, chunk[0])}, where this chunk starts or resumes")
    return window


class CrossFade(FrameWork):
    """``work`` over every frame; over frames ``[start, end)`` also ``second`` on ``second_prior``, which
    starts cold at ``start``, the written frame blended from one to the other (see ``fade_weight``).

    One frame at a time (``work.batch`` 1). ``first`` is the index of the first frame ``run`` gets (a
    resumed job's ``frames_done``); the window must not start before it (the second track's state is
    not saved: the head keeps the window inside the chunk's last segment, and resumes start earlier).
    """

    def __init__(
        self, work: FrameWork, second: FrameWork, second_prior: FramePrior, window: tuple[int, int], first: int
    ) -> None:
        if work.batch != 1:
            raise ValueError("a cross-fade runs one frame at a time")
        if window[0] < first:
            raise ValueError(f"a cross-fade from frame {window[0]} cannot start in a job resumed at frame {first}")
        self.work, self.second, self.second_prior = work, second, second_prior
        self.window, self.index = window, first

    def pack(self, frames: list[Any]) -> Any:
        return self.work.pack(frames)

    def run(self, packed: Any, prior: FramePrior) -> Generator[object, None, Any]:
        index, (start, end) = self.index, self.window
        self.index += 1
        result = yield from self.work.run(packed, prior)
        if not start <= index < end:
            return result
        other = yield from self.second.run(packed, self.second_prior)
        return torch.lerp(result, other, fade_weight(index - start, end - start))

    def unpack(self, result: Any) -> Sequence[np.ndarray]:
        return self.work.unpack(result)
