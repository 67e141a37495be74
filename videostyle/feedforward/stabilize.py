"""Temporal stabilization of feed-forward video: blend each frame with the previous output, warped.

A network stylizes every frame on its own, so small changes between frames become flicker. Here
the previous *output* is carried along the optical flow of the *content* onto the current frame and
mixed in where the flow is reliable (videostyle.flow.carry: not where something was occluded, on
motion boundaries or where the content does not match); at scene cuts nothing is carried over.
``strength`` < 1 makes old frames fade geometrically, so errors cannot pile up. Everything stays float on the device; the caller quantizes
once for encoding.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..flow import FlowOptions, carry, warp
from ..resize import fit_size, resize
from ..video import FrameStart
from ..video.prior import LastPair

FLOW_LONG_SIDE = 640  # flow is smooth: estimating it on a smaller picture costs a fraction and loses little
WARP_MODE = "bicubic"  # the carried output is warped again every frame: bilinear would blur its texture away


class Stabilizer(LastPair):
    """A FramePrior for network output: ``start`` offers the previous output carried onto the frame
    (``init``) and per pixel how much of the new output to take (``rate``); see ``blend``."""

    def __init__(self, flow: FlowOptions, strength: float, device: torch.device) -> None:
        super().__init__()  # remembers (content at flow size, output)
        self.estimator = flow.estimator(device)
        self.strength = strength
        self.pending: torch.Tensor | None = None  # the current frame's content at flow size

    def start(self, content: torch.Tensor) -> FrameStart:
        """``content`` (1,3,H,W) float at the output's size."""
        h, w = content.shape[-2:]
        small = resize(content, fit_size(h, w, min(FLOW_LONG_SIDE, max(h, w))))
        self.pending = small
        last = self.last(content.device)
        if last is None:
            return FrameStart()
        before, output = last
        pair = carry(self.estimator, small, before)  # flow: current grid -> previous frame
        if pair.is_cut(before, small):
            return FrameStart(cut=True)
        weight = self.strength * F.interpolate(pair.reliable, size=(h, w), mode="bilinear", align_corners=False)
        carried = warp(output, resize_flow(pair.flow, (h, w)), mode=WARP_MODE).clamp_(0, 1)
        return FrameStart(carried, rate=1 - weight)

    def update(self, content: torch.Tensor, result: torch.Tensor) -> None:
        super().update(self.pending, result)  # type: ignore[arg-type]


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
