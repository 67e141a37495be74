"""Where each video frame's optimization starts, and what ties it to the frames before it.

A prior sees every frame in order: ``prepare`` gives the starting image and any extra objective
terms for the frame about to be stylized, ``update`` hands it the result. The plain priors here make
frames independent or start each from the previous result; temporal coherence with optical flow
plugs in through the same two calls.
"""

from __future__ import annotations

from typing import Protocol

import torch

from ..objectives import Objective


class FramePrior(Protocol):
    def prepare(self, content: torch.Tensor) -> tuple[torch.Tensor | None, Objective | None]:
        """(initial image or None for the stylizer's own init, extra objective or None)."""
        ...

    def update(self, content: torch.Tensor, stylized: torch.Tensor) -> None:
        """Remember the frame just stylized."""
        ...


class IndependentFrames:
    """Every frame starts from the stylizer's init (content or noise): flickers, but needs nothing."""

    def prepare(self, content: torch.Tensor) -> tuple[torch.Tensor | None, Objective | None]:
        return None, None

    def update(self, content: torch.Tensor, stylized: torch.Tensor) -> None:
        pass


class PreviousFrame:
    """Start each frame from the previous stylized frame (no motion compensation)."""

    def __init__(self) -> None:
        self.previous: torch.Tensor | None = None

    def prepare(self, content: torch.Tensor) -> tuple[torch.Tensor | None, Objective | None]:
        return self.previous, None

    def update(self, content: torch.Tensor, stylized: torch.Tensor) -> None:
        self.previous = stylized
