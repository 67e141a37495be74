"""The second track of a chunk's cross-fade for the optimizing engine (see video.crossfade).

The second track is the next chunk's warm-up made here: its own temporal prior and style level,
cold at the window's first frame, on the same stylizer. It asks for the same flow pairs as this
chunk's prior (a subset: its memory is shorter), so it takes the pairs the first track was just given
for the frame (``SharedFlows``): the pairs the next chunk computes for itself, worked out once.
"""

from __future__ import annotations

import torch

from ..flow import Carry, carry
from ..flow.ahead import ContentFlows
from ..video import FramePrior
from ..video.crossfade import CrossFade
from .temporal import StyleLevel, StylizeWork


class SharedFlows(ContentFlows):
    """The first track's flows (``inner``), remembering the pairs of the current frame for ``follower``."""

    def __init__(self, inner: ContentFlows) -> None:
        super().__init__(inner.estimator)
        self.inner = inner
        self.pairs: dict[int, Carry] = {}

    def begin(self) -> None:
        self.inner.begin()
        self.pairs = {}

    def carry(self, content: torch.Tensor, earlier: torch.Tensor, back: int = 1) -> Carry:
        self.pairs[back] = self.inner.carry(content, earlier, back)
        return self.pairs[back]

    def follower(self) -> ContentFlows:
        """Flows for the second track, which runs each frame after the first: the same pairs."""
        return _Follower(self)


class _Follower(ContentFlows):
    def __init__(self, leader: SharedFlows) -> None:
        super().__init__(leader.estimator)
        self.leader = leader

    def carry(self, content: torch.Tensor, earlier: torch.Tensor, back: int = 1) -> Carry:
        pair = self.leader.pairs.get(back)
        return pair if pair is not None else carry(self.estimator, content, earlier)


def fade_into_next(
    work: StylizeWork, second_prior: FramePrior, window: tuple[int, int], first: int
) -> CrossFade:
    """``work`` cross-faded over ``window`` into a second track on ``second_prior`` (a fresh prior made
    like the first, on ``SharedFlows.follower`` flows); ``first``: the index the job starts at."""
    level = StyleLevel(second_prior)
    second = StylizeWork(work.stylizer, work.size, work.temporal, level=level)
    return CrossFade(work, second, level, window, first)
