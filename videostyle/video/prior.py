"""What ties a video frame to the frames before it: the ``FramePrior`` protocol and its plain forms.

A prior sees every frame in order. ``start(content)`` returns everything the frame's work needs
(a ``FrameStart``: the image to start from, extra objective terms, a per-pixel rate); ``update``
hands it the finished result. ``state()`` and ``restore()`` save and reload what it remembers, so
a job stopped after some frame continues exactly as if it had never stopped.

State tensors are on the CPU; a restored prior moves them to the device of the next content frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import torch

from ..objectives import Objective


@dataclass
class FrameStart:
    """Where a frame's work starts.

    ``init``: the image to start from (None: the engine's own, e.g. the content); ``extra``: objective
    terms to add; ``rate``: per-pixel (1,1,H,W) factor of how fast each pixel moves away from
    ``init`` (None: 1 everywhere); ``cut``: the prior saw a scene cut before this frame and forgot
    what came before.
    """

    init: torch.Tensor | None = None
    extra: Objective | None = None
    rate: torch.Tensor | None = None
    cut: bool = False


class FramePrior(Protocol):
    def start(self, content: torch.Tensor) -> FrameStart:
        """Everything the frame with this (1,3,H,W) content needs from the frames before it."""
        ...

    def update(self, content: torch.Tensor, result: torch.Tensor) -> None:
        """Remember the frame just finished."""
        ...

    def state(self) -> dict[str, torch.Tensor]:
        """What ``restore`` needs to continue exactly after the last ``update``; tensors on the CPU."""
        ...

    def restore(self, state: dict[str, torch.Tensor]) -> None:
        """Continue from a ``state()`` (of a prior built with the same settings)."""
        ...


def on_cpu(tensor: torch.Tensor) -> torch.Tensor:
    """A detached CPU copy for a state dict: the sink may keep it while the prior moves on."""
    return tensor.detach().to("cpu", copy=True)


class LastPair:
    """Base of priors that remember the last frame's content and result (dream carry, stabilizer)."""

    def __init__(self) -> None:
        self.previous: tuple[torch.Tensor, torch.Tensor] | None = None

    def last(self, device: torch.device) -> tuple[torch.Tensor, torch.Tensor] | None:
        """(content, result) of the last frame on ``device``, or None before the first."""
        if self.previous is None:
            return None
        self.previous = (self.previous[0].to(device), self.previous[1].to(device))
        return self.previous

    def update(self, content: torch.Tensor, result: torch.Tensor) -> None:
        self.previous = (content, result.detach())

    def state(self) -> dict[str, torch.Tensor]:
        if self.previous is None:
            return {}
        return {"content": on_cpu(self.previous[0]), "result": on_cpu(self.previous[1])}

    def restore(self, state: dict[str, torch.Tensor]) -> None:
        self.previous = (state["content"], state["result"]) if state else None


class IndependentFrames:
    """Every frame starts from the engine's own init (content or noise): flickers, but needs nothing."""

    def start(self, content: torch.Tensor) -> FrameStart:
        return FrameStart()

    def update(self, content: torch.Tensor, result: torch.Tensor) -> None:
        pass

    def state(self) -> dict[str, torch.Tensor]:
        return {}

    def restore(self, state: dict[str, torch.Tensor]) -> None:
        pass


class PreviousFrame:
    """Start each frame from the previous result as is (no motion compensation)."""

    def __init__(self) -> None:
        self.previous: torch.Tensor | None = None

    def start(self, content: torch.Tensor) -> FrameStart:
        if self.previous is None:
            return FrameStart()
        self.previous = self.previous.to(content.device)
        return FrameStart(self.previous)

    def update(self, content: torch.Tensor, result: torch.Tensor) -> None:
        self.previous = result.detach()

    def state(self) -> dict[str, torch.Tensor]:
        return {} if self.previous is None else {"previous": on_cpu(self.previous)}

    def restore(self, state: dict[str, torch.Tensor]) -> None:
        self.previous = state.get("previous")


class WithGenerator:
    """A prior whose state also holds a random generator the frame work draws from (jitter, tile
    offsets), so a resumed job draws the same numbers an uninterrupted one would have."""

    def __init__(self, prior: FramePrior, generator: torch.Generator) -> None:
        self.prior = prior
        self.generator = generator

    def start(self, content: torch.Tensor) -> FrameStart:
        return self.prior.start(content)

    def update(self, content: torch.Tensor, result: torch.Tensor) -> None:
        self.prior.update(content, result)

    def state(self) -> dict[str, torch.Tensor]:
        return {**self.prior.state(), "generator": self.generator.get_state()}

    def restore(self, state: dict[str, torch.Tensor]) -> None:
        rest = dict(state)
        self.generator.set_state(rest.pop("generator"))
        self.prior.restore(rest)
