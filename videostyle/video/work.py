"""Ready-made kinds of per-frame work and sinks for the frame driver."""

from __future__ import annotations

from collections.abc import Generator
from types import TracebackType
from typing import Protocol, Self

import numpy as np
import torch

from ..media import Frame, frame_to_tensor, tensor_to_float_frame
from ..resize import resize
from .driver import FrameWork
from .prior import FramePrior


class ContentPlanner(Protocol):
    """Takes each frame's working-size content on the decode thread (e.g. to work out optical flow ahead)."""

    def submit(self, content: torch.Tensor) -> None: ...


class OneFrame(FrameWork):
    """Optimization engines: one frame at a time, as a (1,3,H,W) float tensor of ``size`` on ``device``.

    Frames may be uint8 or float (deep sources); the results are float32 (H, W, 3) in [0, 1].
    Subclasses implement ``frame(content, prior)``, a generator of the engine's steps that returns
    the finished frame (and calls ``prior.start``/``prior.update`` for it). ``ahead`` gets each frame's
    content, made on the CPU as ``run`` makes it on the device, on the decode thread.
    """

    def __init__(self, device: torch.device, size: tuple[int, int], ahead: ContentPlanner | None = None) -> None:
        self.device = device
        self.size = size
        self.ahead = ahead

    def pack(self, frames: list[Frame]) -> list[Frame]:
        if self.ahead is not None:
            for frame in frames:
                self.ahead.submit(resize(frame_to_tensor(frame.rgb), self.size))
        return frames

    def run(self, frames: list[Frame], prior: FramePrior) -> Generator[object, None, torch.Tensor]:
        (frame,) = frames
        return (yield from self.frame(resize(frame_to_tensor(frame.rgb, self.device), self.size), prior))

    def frame(self, content: torch.Tensor, prior: FramePrior) -> Generator[object, None, torch.Tensor]:  # pragma: no cover
        raise NotImplementedError

    def unpack(self, result: torch.Tensor) -> list[np.ndarray]:
        """Float32 frames: deep outputs keep every level; 8-bit writers round them as they write."""
        return [tensor_to_float_frame(result)]


class MemorySink:
    """Base of sinks with nothing to open or finish: ``with`` and ``close`` do nothing."""

    def close(self) -> None:
        pass

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        pass


class FrameList(MemorySink):
    """A sink that keeps the frames in memory (previews, galleries, tests)."""

    def __init__(self) -> None:
        self.frames: list[Frame] = []

    def write(self, frame: Frame) -> None:
        self.frames.append(frame)
