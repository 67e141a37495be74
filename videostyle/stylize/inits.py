"""The start images by name (``--init``): what a still (or a fresh frame) starts from, what a video frame carries.

Each entry says whether a fresh start is noise rather than the (recolored) content, and how a later video
frame starts from the frames before it: ``carry(content, occluded, warped, previous)`` gets the content, the
mask of pixels the flow could not bring along, the previous result warped along the flow and the previous
result as it was. ``flowless`` entries carry without optical flow, so they chain frames even with
``--no-temporal``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from ..registry import Registry

FrameCarry = Callable[[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class Init:
    """How one ``--init`` value starts an image."""

    summary: str
    noise: bool = False
    carry: FrameCarry | None = None
    flowless: bool = False


INIT_STARTS: Registry[Init] = Registry("init")
INIT_STARTS.register(
    "warped",
    Init(
        "a video frame starts from the previous result warped by optical flow (the first frame, and images, from the content)",
        carry=lambda content, occluded, warped, previous: torch.where(occluded, content, warped),
    ),
)
INIT_STARTS.register("content", Init("every image and frame starts from the content"))
INIT_STARTS.register("noise", Init("every image and frame starts from noise", noise=True))
INIT_STARTS.register(
    "previous",
    Init("a video frame starts from the previous result as is", carry=lambda content, occluded, warped, previous: previous, flowless=True),
)
