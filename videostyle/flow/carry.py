"""Carrying a result from one video frame into the next: the one primitive every temporal feature uses.

Stylize's warped prior, dream's flow carry, the feed-forward stabilizer and the warping-error metric
all need the same three things about a pair of frames: the flow that brings the earlier frame onto
the current grid, where that warp can be trusted (Ruder et al.'s forward-backward check: not where
something was disoccluded or on a motion boundary; and not where the warped earlier content does not
look like the current one, which the flows cannot see when both are wrong alike) and whether the
pair straddles a scene cut.
``carry`` estimates the flow pair once and answers all three; ``FlowOptions`` names the estimator
the same way for every command.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import torch

from ..errors import OptionError
from .consistency import disocclusions, motion_boundaries, pair_checks
from .estimator import DEFAULT_PRESET, FLOW_PRESETS, FlowEstimator
from .methods import FLOW_FACTORIES, make_flow
from .scene_cut import is_scene_cut
from .warp import warp


@dataclass(frozen=True)
class FlowOptions:
    """Which optical flow: ``method`` (dis, farneback, raft), speed/accuracy ``preset``, RAFT ``weights`` file."""

    method: str = "dis"
    preset: str = DEFAULT_PRESET
    weights: Path | None = None

    def __post_init__(self) -> None:
        FLOW_FACTORIES.check(self.method)
        if self.preset not in FLOW_PRESETS:
            raise OptionError(f"unknown flow preset {self.preset!r}; choose one of {', '.join(FLOW_PRESETS)}")

    def estimator(self, device: torch.device | str = "cpu") -> FlowEstimator:
        return make_flow(self.method, device, self.preset, self.weights)


@dataclass(frozen=True)
class Carry:
    """How an earlier frame maps onto the current one.

    ``flow`` (N,2,H,W) points from the current grid into the earlier frame; ``occluded`` (bool) marks
    pixels the earlier frame did not see, or not as the flow says (photometric mismatch), so they
    start from the current content; ``reliable`` (float 0/1) is where a warp can be trusted.
    ``tracked`` (float 0/1) is the forward-backward check alone: the warping-error metric (Lai et
    al. define it so) and the scene-cut test use it, so a fade or a flash, where every pixel changes
    but the flow holds, is neither a cut nor taken out of the measure. ``cut``: the answer of
    ``is_cut``, when it was worked out ahead (see flow.ahead). ``packed``: flow and masks in one
    page-locked tensor, made where a GPU may take the pair (see ``to``).
    """

    flow: torch.Tensor
    occluded: torch.Tensor
    reliable: torch.Tensor
    tracked: torch.Tensor
    cut: bool | None = None
    packed: torch.Tensor | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_flows(cls, forward: torch.Tensor, backward: torch.Tensor, mismatch: torch.Tensor | None = None) -> Carry:
        """From ``forward`` (current -> earlier) and ``backward`` (earlier -> current) flows, and where
        the content frames disagree with them (``photometric_mismatch``), if known (see ``between``)."""
        masks = disocclusions(forward, backward), motion_boundaries(forward), mismatch
        return cls._from_masks(forward, *(m if m is None else m.to(forward.dtype) for m in masks))

    @classmethod
    def between(cls, forward: torch.Tensor, backward: torch.Tensor, earlier: torch.Tensor, current: torch.Tensor) -> Carry:
        """From the flow pair and the two content frames (``from_flows`` with ``photometric_mismatch``, in fewer passes)."""
        return cls._from_masks(forward, *pair_checks(forward, backward, earlier, current))

    @classmethod
    def _from_masks(cls, forward: torch.Tensor, occluded: torch.Tensor, boundaries: torch.Tensor, mismatch: torch.Tensor | None) -> Carry:
        """From float masks (0/1) of disocclusions, motion boundaries and photometric mismatch."""
        tracked = 1 - torch.maximum(occluded, boundaries)
        if mismatch is not None:
            occluded = torch.maximum(occluded, mismatch)
        pair = cls(forward, occluded.bool(), tracked * (1 - occluded), tracked)
        if forward.device.type == "cpu" and torch.cuda.is_available():  # made where the flows are (the flow thread)
            return replace(pair, packed=pair.pack().pin_memory())
        return pair

    def warp(self, earlier: torch.Tensor, mode: str = "bilinear") -> torch.Tensor:
        """``earlier`` (an image on the earlier frame's grid) brought onto the current grid."""
        return warp(earlier, self.flow, mode)

    def is_cut(self, earlier_content: torch.Tensor, content: torch.Tensor) -> bool:
        """Whether the two content frames (or their ``histograms``) belong to different shots (then nothing should be carried)."""
        if self.cut is not None:
            return self.cut
        return is_scene_cut(earlier_content, content, self.tracked)

    def pack(self) -> torch.Tensor:
        """Flow and masks as one (N,5,H,W) tensor, so that moving the pair is one copy."""
        return torch.cat([self.flow, self.occluded.to(self.flow.dtype), self.reliable, self.tracked], dim=1)

    def to(self, device: torch.device) -> Carry:
        """This pair on ``device`` in one copy: to a GPU from the page-locked ``packed`` without blocking,
        on a side stream (a copy on the compute stream waits for the kernels queued before it, and one
        from pageable memory blocks the host)."""
        if self.flow.device == device:
            return self
        packed = self.packed if self.packed is not None else self.pack()
        moved = upload(packed, device) if device.type == "cuda" else packed.to(device)
        flow, occluded, reliable, tracked = moved.split((2, 1, 1, 1), dim=1)
        return Carry(flow, occluded.bool(), reliable, tracked, self.cut)


_COPY_STREAMS: dict[torch.device, torch.cuda.Stream] = {}


def upload(tensor: torch.Tensor, device: torch.device) -> torch.Tensor:
    """``tensor`` copied to CUDA ``device`` on a side stream (non-blocking from page-locked memory), which
    the current stream waits for before it uses the copy."""
    device = torch.device(device.type, device.index if device.index is not None else torch.cuda.current_device())
    side = _COPY_STREAMS.setdefault(device, torch.cuda.Stream(device))
    current = torch.cuda.current_stream(device)
    with torch.cuda.stream(side):
        moved = tensor.to(device, non_blocking=tensor.is_pinned())
    current.wait_stream(side)
    moved.record_stream(current)  # made on the side stream, used on the current one: not freed early
    return moved


def carry(estimator: FlowEstimator, content: torch.Tensor, earlier_content: torch.Tensor) -> Carry:
    """The flow pair between two (N,3,H,W) content frames, estimated once, and its consistency masks."""
    forward, backward = estimator.both(content, earlier_content)
    return Carry.between(forward, backward, earlier_content, content)
