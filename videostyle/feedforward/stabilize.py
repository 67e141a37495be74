"""Temporal stabilization of feed-forward video: blend each frame with the previous output, warped.

A network stylizes every frame on its own, so small changes between frames become flicker. Here
the previous *output* is carried along the optical flow of the *content* onto the current frame and
mixed in where the flow is reliable (Ruder et al.'s forward-backward check: not where something was
occluded or on motion boundaries); at scene cuts nothing is carried over. ``strength`` < 1 makes old
frames fade geometrically, so errors cannot pile up.
"""

from __future__ import annotations

import os

import torch
import torch.nn.functional as F

from ..flow import consistency_weights, is_scene_cut, make_flow, warp
from ..resize import fit_size, resize

FLOW_LONG_SIDE = 640  # flow is smooth: estimating it on a smaller picture costs a fraction and loses little
WARP_MODE = "bicubic"  # the carried output is warped again every frame: bilinear would blur its texture away


class Stabilizer:
    """Stateful across calls: feed batches of consecutive frames in order."""

    def __init__(
        self,
        method: str,
        strength: float,
        device: torch.device,
        preset: str = "medium",
        weights: str | os.PathLike | None = None,
    ) -> None:
        self.estimator = make_flow(method, device, preset, weights)
        self.strength = strength
        self.previous: tuple[torch.Tensor, torch.Tensor] | None = None  # (content at flow size, output)

    @torch.inference_mode()
    def __call__(self, content: torch.Tensor, stylized: torch.Tensor) -> torch.Tensor:
        """content (N, H0, W0, 3) and stylized (N, H, W, 3) uint8 on one device -> stabilized uint8 frames."""
        frames = [self._frame(c, s) for c, s in zip(content, stylized)]
        return torch.stack(frames).mul_(255).round_().to(torch.uint8).permute(0, 2, 3, 1).contiguous()

    def _frame(self, content: torch.Tensor, stylized: torch.Tensor) -> torch.Tensor:
        """One frame: (H0, W0, 3) and (H, W, 3) uint8 -> (3, H, W) float output in [0, 1]."""
        out = stylized.permute(2, 0, 1).unsqueeze(0).float().div_(255)
        h, w = content.shape[:2]
        flow_size = fit_size(h, w, min(FLOW_LONG_SIDE, max(h, w)))
        small = resize(content.permute(2, 0, 1).unsqueeze(0).float().div_(255), flow_size)
        if self.previous is not None:
            out = self._blend(small, out)
        self.previous = (small, out)
        return out[0]

    def _blend(self, small: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
        before, carried = self.previous  # type: ignore[misc]
        forward, backward = self.estimator.both(small, before)  # forward: current grid -> previous frame
        reliable = consistency_weights(forward, backward)
        if is_scene_cut(before, small, reliable):
            return out
        size = (out.shape[-2], out.shape[-1])
        weight = self.strength * F.interpolate(reliable, size=size, mode="bilinear", align_corners=False)
        carried = warp(carried, resize_flow(forward, size), mode=WARP_MODE).clamp_(0, 1)
        return out + weight * (carried - out)


def resize_flow(flow: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """Flow in pixels of one size -> the same motion in pixels of another (values scale with the size)."""
    h, w = flow.shape[-2:]
    if (h, w) == tuple(size):
        return flow
    scale = torch.tensor([size[1] / w, size[0] / h], device=flow.device, dtype=flow.dtype).view(1, 2, 1, 1)
    return F.interpolate(flow, size=size, mode="bilinear", align_corners=False) * scale
