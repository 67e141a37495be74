"""Dream a video so the hallucinations stick to what moves instead of boiling from frame to frame.

Each frame starts from its own content plus the previous frame's *dream difference* (dream minus
content) carried along the optical flow, so eyes and swirls painted on an object move with it;
where the flow cannot be trusted (disocclusions, motion boundaries) nothing is carried and the
network dreams afresh. A carried frame needs only a few steps to refresh its dream; scene cuts start
over. Carrying the difference, not the dreamed picture, keeps the new frame's own content and light.
"""

from __future__ import annotations

import torch

from ..flow import FlowEstimator, consistency_weights, is_scene_cut, warp
from ..objectives import Objective


class FlowCarry:
    """A frame prior (see videostyle.stylize.priors): the previous dream difference, warped and masked."""

    def __init__(self, estimator: FlowEstimator) -> None:
        self.estimator = estimator
        self.previous: tuple[torch.Tensor, torch.Tensor] | None = None

    def prepare(self, content: torch.Tensor) -> tuple[torch.Tensor | None, Objective | None]:
        """(content + carried dream, None), or (None, None) for the first frame and after a cut."""
        if self.previous is None:
            return None, None
        prev_content, prev_dream = self.previous
        forward, backward = self.estimator.both(content, prev_content)
        weights = consistency_weights(forward, backward)
        if is_scene_cut(prev_content, content, weights):
            return None, None
        carried = warp(prev_dream - prev_content, forward)
        return (content + weights * carried).clamp(0, 1), None

    def update(self, content: torch.Tensor, dreamed: torch.Tensor) -> None:
        self.previous = (content, dreamed)
