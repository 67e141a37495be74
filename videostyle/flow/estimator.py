"""The optical-flow estimator interface shared by every algorithm (``methods.make_flow`` picks one).

Convention (the whole project's): ``estimator(a, b)`` returns flow (N,2,H,W) in pixels, channel 0 = dx,
1 = dy, on the device of ``a``, such that a(x) ≈ b(x + flow(x)); so ``warp(b, estimator(a, b)) ≈ a``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch

from ..color import RGB_TO_YIQ
from ..names import DEFAULT_FLOW_PRESET as DEFAULT_PRESET, FLOW_PRESETS  # noqa: F401 - the algorithms and methods.py read them here
from .guard import padded_flow

_LUMA = tuple(RGB_TO_YIQ[0].tolist())  # float32 values: the same products as a float32 weight tensor gives


class FlowEstimator:
    """Base class: subclasses implement ``pair(a, b)`` for one (1,3,H,W) pair, or ``estimate`` for batches."""

    name = "flow"

    def pair(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:  # pragma: no cover - abstract
        raise NotImplementedError

    def estimate(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.pair(a[i : i + 1], b[i : i + 1]) for i in range(a.shape[0])])

    @torch.no_grad()
    def __call__(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        if a.shape != b.shape or a.dim() != 4 or a.shape[1] != 3:
            raise ValueError(f"flow needs two (N,3,H,W) images of one shape, got {tuple(a.shape)} and {tuple(b.shape)}")
        return padded_flow(self.estimate, a, b)  # frames too thin for a pyramid would crash OpenCV

    def both(self, a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(flow a -> b, flow b -> a): what a consistency check needs; networks batch the two."""
        return self(a, b), self(b, a)


def gray_uint8(image: torch.Tensor) -> np.ndarray:
    """(1,3,H,W) [0,1] -> (H,W) uint8 luma on the CPU; converted on the device so only H*W bytes move."""
    # mixed plane by plane: a sum over the channels of a channels-last frame (the decoded pixels' layout)
    # cost twice as much (0.8 vs 0.4 ms at 384x216, a frame's decode-thread time with --stabilize)
    gray = image[0, 0] * _LUMA[0]
    gray += image[0, 1] * _LUMA[1]
    gray += image[0, 2] * _LUMA[2]
    gray = gray.clamp_(0, 1).mul_(255).round_().to(torch.uint8)
    return np.ascontiguousarray(gray.cpu().numpy())


def from_opencv(flow: np.ndarray, device: torch.device) -> torch.Tensor:
    """OpenCV's (H,W,2) float32 flow -> (1,2,H,W) on ``device``."""
    return torch.from_numpy(flow).permute(2, 0, 1).unsqueeze(0).to(device)


@contextmanager
def opencv_threads(count: int) -> Iterator[None]:
    """OpenCV's worker threads limited to ``count`` inside the block (a process-wide setting, restored after).

    OpenCV's pool spins while it waits for work: beside a network on the CPU, a DIS pair on two
    threads cost 16 ms of CPU for 8 ms less waiting, and the network lost the cores (issue 23).
    """
    import cv2

    before = cv2.getNumThreads()
    cv2.setNumThreads(count)
    try:
        yield
    finally:
        cv2.setNumThreads(before)
