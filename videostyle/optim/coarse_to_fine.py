"""Coarse to fine: optimize at a small size first and carry the result up to the next size.

Style transfer (``--scales``), DeepDream's octaves and multiscale activation maximization all run
the same driver: a list of sizes, smallest first, one optimization run per size, and their steps shown
as one run. What differs is what travels up between sizes, a ``ScaleCarry``:

- ``ResultCarry``: the previous size's result itself (each run resizes it as it needs): stylize, maximize.
- ``DetailCarry``: only what the previous runs added to the input (result minus the input at that
  size), added to the input at the next size, so the input's own sharpness is never lost to
  resampling: DeepDream.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Generator
from typing import Protocol

import torch
import torch.nn.functional as F

from ..resize import resize
from .loop import Step

Size = tuple[int, int]
ScaleRun = Callable[[torch.Tensor | None, int, Size], Generator[Step, None, torch.Tensor]]
"""``run(start, index, size)``: one optimization at ``size`` from ``start``; yields steps, returns the image."""


def renumber(offset: int, total: int) -> Callable[[Step], Step]:
    """Number a run's steps as part of a larger run of ``total`` steps that it starts at ``offset``."""
    return lambda step: dataclasses.replace(step, index=offset + step.index, total=total)


class ScaleCarry(Protocol):
    """What travels up from one size to the next (flow.Carry, the frame-to-frame kind, is another thing)."""

    def start(self, size: Size) -> torch.Tensor | None:
        """The starting image handed to the run at ``size``."""

    def update(self, result: torch.Tensor) -> None:
        """Take in the result of the run that just ended."""


class ResultCarry:
    """Hand each size the previous size's result as is (``init`` to the first; None: the run chooses)."""

    def __init__(self, init: torch.Tensor | None) -> None:
        self.image = init

    def start(self, size: Size) -> torch.Tensor | None:
        return self.image

    def update(self, result: torch.Tensor) -> None:
        self.image = result


class DetailCarry:
    """Hand each size the input at that size plus the detail dreamed so far, upsampled (DeepDream's octaves)."""

    def __init__(self, image: torch.Tensor, first: Size) -> None:
        self.image = image
        self.detail = torch.zeros(1, 3, *first, device=image.device)
        self.base = image

    def start(self, size: Size) -> torch.Tensor:
        self.base = resize(self.image, size)
        if self.detail.shape[-2:] != self.base.shape[-2:]:
            self.detail = F.interpolate(self.detail, size=size, mode="bilinear", align_corners=False)
        return (self.base + self.detail).clamp(0, 1)

    def update(self, result: torch.Tensor) -> None:
        self.detail = result - self.base


def coarse_to_fine(sizes: list[Size], steps: int, carry: ScaleCarry, run: ScaleRun) -> Generator[Step, None, torch.Tensor]:
    """Run ``run`` at each size in order (``steps`` steps each), carrying results up; returns the last result."""
    if not sizes:
        raise ValueError("coarse_to_fine needs at least one size")
    total = steps * len(sizes)
    result: torch.Tensor | None = None
    for k, size in enumerate(sizes):
        number = renumber(k * steps, total)
        scale = run(carry.start(size), k, size)
        while True:
            try:
                step = next(scale)
            except StopIteration as done:
                result = done.value
                break
            yield number(step)
        carry.update(result)
    assert result is not None
    return result
