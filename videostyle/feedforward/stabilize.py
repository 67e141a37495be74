"""Temporal stabilization of feed-forward video: blend each frame with the previous output, warped.

A network stylizes every frame on its own, so small changes between frames become flicker. Here
the previous *output* is carried along the optical flow of the *content* onto the current frame and
mixed in where the flow is reliable (videostyle.flow.carry: not where something was occluded, on
motion boundaries or where the content does not match); at scene cuts nothing is carried over.
``strength`` < 1 makes old frames fade geometrically, so errors cannot pile up.

The flow depends on the content alone, so it is worked out off the GPU's critical path: the decode
thread makes each frame's small RGB and grey images once, from the decoded pixels (``FlowPlanner``),
and a flow thread runs the flow pair, its consistency checks and the scene-cut test on the CPU while
the GPU runs the network. The GPU side (``Stabilizer``) receives a batch's motion (flow and
reliability) in one upload, and warps and blends there; everything stays float on the device and
the caller quantizes once for encoding.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from types import TracebackType

import numpy as np
import torch
import torch.nn.functional as F

from ..flow import Carry, FlowEstimator, FlowOptions, warp
from ..flow.ahead import Guide, flow_pair, guide
from ..flow.estimator import opencv_threads
from ..resize import fit_size, resize
from ..video import FrameStart
from ..video.prior import on_cpu

FLOW_LONG_SIDE = 640  # flow is smooth: estimating it on a smaller picture costs a fraction and loses little
WARP_MODE = "bicubic"  # the carried output is warped again every frame: bilinear would blur its texture away


@dataclass(frozen=True)
class Plan:
    """What stabilizing one frame needs from the one before: its small content (remembered for the
    next frame and for resuming) and ``motion`` (1,3,h,w) = flow dx, dy and reliability, on the CPU;
    None for the first frame and after a ``cut``."""

    small: torch.Tensor
    motion: torch.Tensor | None = None
    cut: bool = False


def plan(estimator: FlowEstimator, earlier: Guide | None, guides: list[Guide]) -> list[Plan]:
    """Plans for consecutive frames ``guides``, ``earlier`` being the frame before the first (None: none)."""
    plans = []
    for current in guides:
        if earlier is None:
            plans.append(Plan(current.small))
        else:
            forward, backward = flow_pair(estimator, current, earlier)
            pair = Carry.between(forward, backward, earlier.small, current.small)
            if pair.is_cut(earlier.histogram, current.histogram):
                plans.append(Plan(current.small, cut=True))
            else:
                plans.append(Plan(current.small, torch.cat([pair.flow, pair.reliable], dim=1)))
        earlier = current
    return plans


class FlowPlanner:
    """Decode-thread side of stabilization: guides made from the decoded frames, flows planned on a flow thread.

    ``submit`` must be called with consecutive frames, in order; a resumed job first says which
    frame came before (``resume_after``). Use as a context manager: leaving it stops the flow thread.
    """

    def __init__(self, flow: FlowOptions, size: tuple[int, int], device: torch.device) -> None:
        self.estimator = flow.estimator(device)
        self.device = torch.device(device)
        self.exits = ExitStack()
        self.size = fit_size(*size, min(FLOW_LONG_SIDE, max(size)))  # size: the output's (h, w)
        self.earlier: Guide | None = None
        # one intra-op thread on the flow thread: its small tensor operations then never wait at an
        # OpenMP barrier for a core the network holds (on 2 cores, --stabilize at 384x216 ran 13% faster)
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="videostyle-flow", initializer=torch.set_num_threads, initargs=(1,))

    def __enter__(self) -> FlowPlanner:
        if self.device.type == "cpu":  # the flow thread shares the cores with the network: OpenCV on one thread
            self.exits.enter_context(opencv_threads(1))
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.exits.close()

    def small(self, rgb: np.ndarray) -> torch.Tensor:
        """A decoded (H,W,3) uint8 frame -> (1,3,h,w) float at flow size, resampled in uint8 (fast on the CPU)."""
        pixels = torch.from_numpy(rgb).permute(2, 0, 1).unsqueeze(0)
        if tuple(pixels.shape[-2:]) != self.size:
            pixels = F.interpolate(pixels, size=self.size, mode="bilinear", align_corners=False, antialias=True)
        return pixels.float().div_(255)

    def submit(self, frames: list[np.ndarray]) -> Future[list[Plan]]:
        """Decode thread: the frames' guides now, their plans on the flow thread."""
        guides = [guide(self.small(rgb), self.estimator) for rgb in frames]
        earlier, self.earlier = self.earlier, guides[-1]
        return self.pool.submit(plan, self.estimator, earlier, guides)

    def resume_after(self, small: torch.Tensor) -> None:
        """The small content of the frame before the next one submitted (from a saved state)."""
        self.earlier = guide(small, self.estimator)


class Stabilizer:
    """A FramePrior for network output on the caller's thread: ``prepare`` takes a batch's plans,
    then ``start`` offers each frame the previous output carried onto it (``init``) and per pixel how
    much of the new output to take (``rate``); see ``blend``."""

    def __init__(self, planner: FlowPlanner, strength: float, device: torch.device) -> None:
        self.planner = planner
        self.strength = strength
        self.device = device
        self.queued: deque[tuple[Plan, torch.Tensor | None]] = deque()
        self.small: torch.Tensor | None = None  # the last finished frame's small content (CPU)
        self.output: torch.Tensor | None = None  # and its output

    def prepare(self, plans: list[Plan], upload: Callable[[torch.Tensor], torch.Tensor]) -> None:
        """The plans of the next frames; their motion goes to the device in one copy."""
        moving = [p.motion for p in plans if p.motion is not None]
        on_device = iter(upload(torch.cat(moving)).split(1)) if moving else iter(())
        self.queued.extend((p, next(on_device) if p.motion is not None else None) for p in plans)

    def start(self, content: torch.Tensor) -> FrameStart:
        """``content`` (1,3,H,W) float at the output's size, the next frame ``prepare`` planned."""
        planned, motion = self.queued[0]
        if motion is None or self.output is None:
            return FrameStart(cut=planned.cut)
        h, w = content.shape[-2:]
        self.output = self.output.to(content.device)  # a restored state's output, once
        weight = self.strength * resize(motion[:, 2:], (h, w))  # (none at the flow's size: the CPU at <= 640 px)
        carried = warp(self.output, resize_flow(motion[:, :2], (h, w)), mode=WARP_MODE).clamp_(0, 1)
        return FrameStart(carried, rate=1 - weight)

    def update(self, content: torch.Tensor, result: torch.Tensor) -> None:
        planned, _ = self.queued.popleft()
        self.small, self.output = planned.small, result

    def state(self) -> dict[str, torch.Tensor]:
        if self.small is None or self.output is None:
            return {}
        return {"content": self.small.clone(), "result": on_cpu(self.output)}

    def restore(self, state: dict[str, torch.Tensor]) -> None:
        if state:
            self.small, self.output = state["content"], state["result"]
            self.planner.resume_after(self.small)


def blend(start: FrameStart, output: torch.Tensor) -> torch.Tensor:
    """The network's ``output`` mixed into the carried image at the start's per-pixel rate."""
    if start.init is None:
        return output
    return torch.lerp(start.init, output, start.rate)  # type: ignore[arg-type]


def resize_flow(flow: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """Flow in pixels of one size -> the same motion in pixels of another (values scale with the size)."""
    h, w = flow.shape[-2:]
    if (h, w) == tuple(size):
        return flow
    resized = F.interpolate(flow, size=size, mode="bilinear", align_corners=False)
    return torch.cat((resized[:, :1] * (size[1] / w), resized[:, 1:] * (size[0] / h)), dim=1)
