"""Optical flow between content frames, worked out ahead of time, off the GPU's critical path.

Flow depends on the content alone, so it need not wait for its frame's turn. The decode thread makes
each frame's content at working size and its grey image once (``guide``), and a flow thread runs the
frame's flow pairs with the frames before it, their consistency checks and the scene-cut test, on the
CPU, while the caller's thread (the GPU) still works on earlier frames. The temporal prior then takes
its frame's pairs from ``FlowsAhead`` in one upload each. Pairs nobody planned (a prior used on its
own, a pair with a frame before a resume point) are worked out on demand by ``ContentFlows``, the same
way, so on the CPU both give the same results.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import cached_property
from types import TracebackType

import numpy as np
import torch
import torch.nn.functional as F

from .carry import Carry, carry
from .estimator import FlowEstimator, gray_uint8
from .guard import safe_shape
from .scene_cut import histograms


@dataclass(frozen=True)
class Guide:
    """One frame as the flow sees it, on the CPU: RGB (1,3,h,w) and, for estimators that read grey
    (DIS), its uint8 grey image, edge-padded to a shape the estimator takes."""

    small: torch.Tensor
    gray: np.ndarray | None

    @cached_property
    def histogram(self) -> torch.Tensor:
        """Its colour histograms for the scene-cut test, made once though the frame is in two pairs."""
        return histograms(self.small)


def guide(small: torch.Tensor, estimator: FlowEstimator) -> Guide:
    """The frame's guide: its grey made here, once, whatever number of flows it takes part in."""
    if not getattr(estimator, "reads_gray", False):
        return Guide(small, None)
    h, w = small.shape[-2:]
    safe_h, safe_w = safe_shape(h, w)
    padded = F.pad(small, (0, safe_w - w, 0, safe_h - h), mode="replicate") if (safe_h, safe_w) != (h, w) else small
    return Guide(small, gray_uint8(padded))


def flow_pair(estimator: FlowEstimator, current: Guide, earlier: Guide) -> tuple[torch.Tensor, torch.Tensor]:
    """(flow current -> earlier, flow earlier -> current) on the CPU, from the greys when the estimator reads them."""
    if current.gray is None or earlier.gray is None:
        device = getattr(estimator, "device", torch.device("cpu"))
        forward, backward = estimator.both(current.small.to(device), earlier.small.to(device))
        return forward.cpu(), backward.cpu()
    h, w = current.small.shape[-2:]
    forward = estimator.gray_pair(current.gray, earlier.gray)  # type: ignore[attr-defined]
    backward = estimator.gray_pair(earlier.gray, current.gray)  # type: ignore[attr-defined]
    return forward[..., :h, :w].contiguous(), backward[..., :h, :w].contiguous()


class ContentFlows:
    """Flow pairs between a video's content frames as a temporal prior asks for them: here, worked out on demand."""

    def __init__(self, estimator: FlowEstimator) -> None:
        self.estimator = estimator

    def begin(self) -> None:
        """The next frame's turn (a prior calls this once per frame, in order, before its ``carry`` calls)."""

    def carry(self, content: torch.Tensor, earlier: torch.Tensor, back: int = 1) -> Carry:
        """The pair of ``content`` with the frame ``back`` frames before it, whose content is ``earlier``."""
        return carry(self.estimator, content, earlier)


class FlowsAhead(ContentFlows):
    """Pairs planned as frames are decoded: ``submit`` each frame's content (decode thread, in order),
    then the prior's ``begin``/``carry`` take them (caller's thread). ``back``: the offsets of the
    earlier frames each frame is paired with; ``cuts``: also test the nearest pair for a scene cut.
    Use as a context manager: leaving it stops the flow thread."""

    def __init__(self, estimator: FlowEstimator, back: Sequence[int] = (1,), cuts: bool = True) -> None:
        super().__init__(estimator)
        self.back = tuple(back)
        self.cuts = cuts
        self.guides: deque[Guide] = deque(maxlen=max(self.back))  # the latest frames, newest first
        self.planned: deque[dict[int, Future[Carry]]] = deque()
        self.current: dict[int, Future[Carry]] = {}
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="videostyle-flow")

    def __enter__(self) -> FlowsAhead:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, content: torch.Tensor) -> None:
        """Decode thread: the next frame's content (1,3,H,W) in [0,1] on the CPU, at the working size."""
        current = guide(content, self.estimator)
        earlier = list(self.guides)
        self.planned.append({
            k: self.pool.submit(self._pair, current, earlier[k - 1], self.cuts and k == 1)
            for k in self.back if k <= len(earlier)
        })
        self.guides.appendleft(current)

    def begin(self) -> None:
        self.current = self.planned.popleft() if self.planned else {}

    def carry(self, content: torch.Tensor, earlier: torch.Tensor, back: int = 1) -> Carry:
        planned = self.current.pop(back, None)
        if planned is None:  # on the flow thread too: estimators (OpenCV's DIS) are not safe to share between threads
            planned = self.pool.submit(carry, self.estimator, content, earlier)
        return planned.result().to(content.device)

    def _pair(self, current: Guide, earlier: Guide, cut: bool) -> Carry:
        """Flow thread: the pair's flows and masks (as ``carry`` makes them) and, with ``cut``, the cut test."""
        forward, backward = flow_pair(self.estimator, current, earlier)
        pair = Carry.between(forward, backward, earlier.small, current.small)
        return replace(pair, cut=pair.is_cut(earlier.histogram, current.histogram)) if cut else pair
