"""Dream a video so the hallucinations stick to what moves instead of boiling from frame to frame.

Each frame starts from its own content plus the previous frame's *dream difference* (dream minus
content) carried along the optical flow, so eyes and swirls painted on an object move with it;
where the flow cannot be trusted (disocclusions, motion boundaries, content it does not explain)
nothing is carried and the network dreams afresh. A carried frame needs only a few steps to refresh its dream; scene cuts start
over. Carrying the difference, not the dreamed picture, keeps the new frame's own content and light.
The flow between content frames is worked out ahead (``FlowsAhead``), on the CPU while the device dreams.
"""

from __future__ import annotations

from collections.abc import Generator

import torch

from ..flow import FlowEstimator
from ..flow.ahead import ContentFlows, FlowsAhead
from ..video import FramePrior, FrameStart, OneFrame
from ..video.prior import LastPair
from .dreamer import Dreamer


class FlowCarry(LastPair):
    """A FramePrior: the previous dream difference, warped and masked, as the frame's start.

    ``flow``: an estimator (pairs worked out when asked for) or ``FlowsAhead`` (planned as frames are decoded).
    """

    def __init__(self, flow: FlowEstimator | ContentFlows) -> None:
        super().__init__()
        self.flows = flow if isinstance(flow, ContentFlows) else ContentFlows(flow)

    def start(self, content: torch.Tensor) -> FrameStart:
        """Content + carried dream; nothing for the first frame and after a cut."""
        self.flows.begin()
        last = self.last(content.device)
        if last is None:
            return FrameStart()
        prev_content, prev_dream = last
        pair = self.flows.carry(content, prev_content)
        if pair.is_cut(prev_content, content):
            return FrameStart(cut=True)
        return FrameStart((content + pair.reliable * pair.warp(prev_dream - prev_content)).clamp(0, 1))


class DreamWork(OneFrame):
    """Video frames through the dreamer: a frame the prior gives a start for (a carried dream) gets
    ``carried_steps`` per octave, the others are dreamed from their content with the full steps.
    ``ahead`` (the prior's ``FlowsAhead``, if it has one) gets each decoded frame's content on the decode thread."""

    def __init__(
        self, dreamer: Dreamer, size: tuple[int, int], carried_steps: int | None, ahead: FlowsAhead | None = None
    ) -> None:
        super().__init__(dreamer.device, size, ahead)
        self.dreamer = dreamer
        self.carried_steps = carried_steps

    def frame(self, content: torch.Tensor, prior: FramePrior) -> Generator[object, None, torch.Tensor]:
        start = prior.start(content)
        steps = self.dreamer.run(content) if start.init is None else self.dreamer.run(start.init, self.carried_steps)
        dreamed = yield from steps
        prior.update(content, dreamed)
        return dreamed
