"""Temporal coherence for optimized video frames (Ruder, Dosovitskiy & Brox 2016).

Each frame starts from the previous stylized frame warped into it by optical flow, with the pixels
that the flow cannot bring over (disocclusions, the frame border) taken from the content frame, and
a temporal loss keeps it close to the warped previous result wherever the flow is reliable. With
long-term consistency several earlier frames pull, each pixel by the closest frame where it was
visible. At a scene cut the memory is dropped, so the last shot is never smeared into the next.

The flow is always computed between *content* frames, which are sharp and stable, never between
stylized ones. Everything after the flow estimator stays on the stylization device.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import torch

from ..flow import FlowEstimator, disocclusions, is_scene_cut, motion_boundaries, warp
from ..objectives import Objective
from ..objectives.temporal import TemporalLoss
from .color import luminance

WARP_MODE = "bicubic"
"""Bicubic keeps the style's fine texture when results are warped frame after frame; bilinear blurs it."""


def long_term_offsets(count: int) -> tuple[int, ...]:
    """How far back each of ``count`` remembered frames lies: 1, 2, 4, 8, ... (closest first)."""
    return tuple(2**k for k in range(count))


@dataclass
class Warped:
    """An earlier result brought into the current frame: where it is reliable and where it is missing."""

    image: torch.Tensor
    reliable: torch.Tensor
    occluded: torch.Tensor


def warp_into(
    flow: FlowEstimator, content: torch.Tensor, earlier_content: torch.Tensor, earlier_result: torch.Tensor
) -> Warped:
    """Warp ``earlier_result`` into the frame of ``content`` with the flow between the two content frames."""
    forward, backward = flow.both(content, earlier_content)
    occluded = disocclusions(forward, backward)
    reliable = ~(occluded | motion_boundaries(forward))
    return Warped(warp(earlier_result, forward, mode=WARP_MODE).clamp(0, 1), reliable.to(content.dtype), occluded)


def closest_first(weights: list[torch.Tensor]) -> torch.Tensor:
    """Long-term weights: each frame counts only where no closer frame is reliable, max(c_j - sum_k<j c_k, 0)."""
    out, covered = [], torch.zeros_like(weights[0])
    for c in weights:
        out.append((c - covered).clamp_min(0))
        covered = covered + c
    return torch.cat(out)


class WarpedPrior:
    """A FramePrior: flow-warped init and a temporal loss against the previous result(s).

    ``init`` is "warped" (the warped previous result, holes filled from the content), "previous" (the
    previous result as is) or "stylizer" (the stylizer's own content or noise init: loss only).
    ``temporal_weight`` 0 gives warped init alone. ``gray`` matches the stylizer's luminance-only mode.
    """

    def __init__(
        self,
        flow: FlowEstimator,
        temporal_weight: float,
        long_term: int = 1,
        init: str = "warped",
        scene_cuts: bool = True,
        gray: bool = False,
    ) -> None:
        self.flow = flow
        self.temporal_weight = temporal_weight
        self.offsets = long_term_offsets(long_term)
        self.init = init
        self.scene_cuts = scene_cuts
        self.gray = gray
        self.history: deque[tuple[torch.Tensor, torch.Tensor]] = deque(maxlen=self.offsets[-1])
        self.frame = -1
        self.cuts: list[int] = []
        """Indices of the frames where a scene cut reset the prior."""

    def prepare(self, content: torch.Tensor) -> tuple[torch.Tensor | None, Objective | None]:
        self.frame += 1
        if not self.history:
            return None, None
        previous_content, previous_result = self.history[0]
        nearest = warp_into(self.flow, content, previous_content, previous_result)
        if self.scene_cuts and is_scene_cut(previous_content, content, nearest.reliable):
            self.history.clear()
            self.cuts.append(self.frame)
            return None, None
        init = self.initial(content, nearest, previous_result)
        if self.temporal_weight == 0:
            return init, None
        earlier = [nearest] + [
            warp_into(self.flow, content, *self.history[k - 1]) for k in self.offsets[1:] if k <= len(self.history)
        ]
        targets = torch.cat([w.image for w in earlier])
        weights = closest_first([w.reliable for w in earlier])
        if self.gray:
            targets = luminance(targets)
        return init, TemporalLoss(targets, weights) * self.temporal_weight

    def initial(self, content: torch.Tensor, nearest: Warped, previous_result: torch.Tensor) -> torch.Tensor | None:
        if self.init == "warped":
            return torch.where(nearest.occluded, content, nearest.image)
        if self.init == "previous":
            return previous_result
        return None

    def update(self, content: torch.Tensor, stylized: torch.Tensor) -> None:
        self.history.appendleft((content, stylized.detach()))
