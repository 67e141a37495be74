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
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TypeVar

import torch

from ..flow import FlowEstimator, disocclusions, is_scene_cut, motion_boundaries, warp
from ..objectives import Objective
from ..objectives.temporal import TemporalLoss
from ..optim import Step
from ..progress import relay
from .color import luminance
from .priors import FramePrior
from .stylizer import Stylizer
from .temporal_options import TemporalOptions

E = TypeVar("E")


def long_term_offsets(count: int) -> tuple[int, ...]:
    """How far back each of ``count`` remembered frames lies: 1, 2, 4, 8, ... (closest first)."""
    return tuple(2**k for k in range(count))


@dataclass
class Warped:
    """An earlier result brought into the current frame: where it is reliable, where it is missing, and
    the flow that brought it (current frame -> earlier frame)."""

    image: torch.Tensor
    reliable: torch.Tensor
    occluded: torch.Tensor
    flow: torch.Tensor


def warp_into(
    flow: FlowEstimator, content: torch.Tensor, earlier_content: torch.Tensor, earlier_result: torch.Tensor
) -> Warped:
    """Warp ``earlier_result`` into the frame of ``content`` with the flow between the two content frames.

    Bilinear, not bicubic: bicubic keeps more fine texture through a chain of warps, but texture finer
    than the flow's accuracy then swims from frame to frame (a pure chain of bicubic warps measured
    twice the warping error of a bilinear one); the style loss restores the sharpness that bilinear loses.
    """
    forward, backward = flow.both(content, earlier_content)
    occluded = disocclusions(forward, backward)
    reliable = ~(occluded | motion_boundaries(forward))
    image = warp(earlier_result, forward).clamp(0, 1)
    return Warped(image, reliable.to(content.dtype), occluded, forward)


def temporal_loss(earlier: list[Warped], weight: float, gray: bool = False) -> Objective:
    """The temporal loss towards warped earlier results, closest first; ``gray`` for luminance-only transfer."""
    targets = torch.cat([w.image for w in earlier])
    return TemporalLoss(luminance(targets) if gray else targets, closest_first([w.reliable for w in earlier])) * weight


def closest_first(weights: list[torch.Tensor]) -> torch.Tensor:
    """Long-term weights: each frame counts only where no closer frame is reliable, max(c_j - sum_k<j c_k, 0)."""
    out, covered = [], torch.zeros_like(weights[0])
    for c in weights:
        out.append((c - covered).clamp_min(0))
        covered = covered + c
    return torch.cat(out)


@dataclass
class FrameStart:
    """Where a frame's optimization starts: image (None: the stylizer's own), extra objective, per-pixel rate."""

    init: torch.Tensor | None = None
    extra: Objective | None = None
    rate: torch.Tensor | None = None


class WarpedPrior:
    """A FramePrior: flow-warped init and a temporal loss against the previous result(s).

    ``init`` is "warped" (the warped previous result, holes filled from the content), "previous" (the
    previous result as is) or "stylizer" (the stylizer's own content or noise init: loss only).
    ``temporal_weight`` 0 gives warped init alone. ``gray`` matches the stylizer's luminance-only mode.

    Per-pixel step sizes: a pixel that is newly visible (no reliable flow) is "fresh" and moves at the
    full rate; freshness travels with the image along the flow and fades by ``FRESH_DECAY`` a frame,
    so new content gets several frames of full-rate stylization before it settles to ``reliable_rate``
    like the rest. Without it, whatever enters the frame keeps the look of the content.
    """

    FRESH_DECAY = 0.7

    def __init__(
        self,
        flow: FlowEstimator,
        temporal_weight: float,
        long_term: int = 1,
        init: str = "warped",
        scene_cuts: bool = True,
        gray: bool = False,
        reliable_rate: float = 1.0,
    ) -> None:
        self.flow = flow
        self.temporal_weight = temporal_weight
        self.offsets = long_term_offsets(long_term)
        self.init = init
        self.scene_cuts = scene_cuts
        self.gray = gray
        self.reliable_rate = reliable_rate
        self.history: deque[tuple[torch.Tensor, torch.Tensor]] = deque(maxlen=self.offsets[-1])
        self.fresh: torch.Tensor | None = None  # freshness of the latest result, (1,1,H,W)
        self.pending: torch.Tensor | None = None  # freshness of the frame being stylized
        self.frame = -1
        self.cuts: list[int] = []
        """Indices of the frames where a scene cut reset the prior."""

    def prepare(self, content: torch.Tensor) -> tuple[torch.Tensor | None, Objective | None]:
        start = self.start(content)
        return start.init, start.extra

    def start(self, content: torch.Tensor) -> FrameStart:
        """``prepare`` with the per-pixel rate too: what ``iter_frame`` uses."""
        self.frame += 1
        self.pending = torch.zeros_like(content[:, :1])
        if not self.history:
            return FrameStart()
        previous_content, previous_result = self.history[0]
        nearest = warp_into(self.flow, content, previous_content, previous_result)
        if self.scene_cuts and is_scene_cut(previous_content, content, nearest.reliable):
            self.history.clear()
            self.cuts.append(self.frame)
            return FrameStart()
        init = self.initial(content, nearest, previous_result)
        carried = warp(self.fresh, nearest.flow) if self.fresh is not None else self.pending
        self.pending = torch.maximum(1 - nearest.reliable, self.FRESH_DECAY * carried)
        rate = None if init is None else self.reliable_rate + (1 - self.reliable_rate) * self.pending
        if self.temporal_weight == 0:
            return FrameStart(init, None, rate)
        earlier = [nearest] + [
            warp_into(self.flow, content, *self.history[k - 1]) for k in self.offsets[1:] if k <= len(self.history)
        ]
        return FrameStart(init, temporal_loss(earlier, self.temporal_weight, self.gray), rate)

    def initial(self, content: torch.Tensor, nearest: Warped, previous_result: torch.Tensor) -> torch.Tensor | None:
        if self.init == "warped":
            return torch.where(nearest.occluded, content, nearest.image)
        if self.init == "previous":
            return previous_result
        return None

    def update(self, content: torch.Tensor, stylized: torch.Tensor) -> None:
        self.history.appendleft((content, stylized.detach()))
        self.fresh = self.pending


def iter_frame(
    stylizer: Stylizer,
    prior: FramePrior,
    content: torch.Tensor,
    temporal: TemporalOptions,
    wrap: Callable[[Step], E],
) -> Generator[E, None, torch.Tensor]:
    """Stylize one video frame through ``prior``; a warm-started frame gets the warm iterations and its rates."""
    start = prior.start(content) if isinstance(prior, WarpedPrior) else FrameStart(*prior.prepare(content))
    iterations = None
    if temporal.enabled and start.init is not None:
        iterations = temporal.warm_steps(stylizer.options.iterations)
    steps = stylizer.run(content, start.init, start.extra, iterations=iterations, rate=start.rate)
    stylized = yield from relay(steps, wrap)
    prior.update(content, stylized)
    return stylized
