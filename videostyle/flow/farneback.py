"""Farneback polynomial-expansion optical flow from OpenCV: slower than DIS, smooth, no weights."""

from __future__ import annotations

import cv2
import torch

from .estimator import DEFAULT_PRESET, FlowEstimator, from_opencv, gray_uint8

# (pyramid levels, window size, iterations per level, poly_n, poly_sigma)
_PRESETS = {
    "ultrafast": (3, 9, 2, 5, 1.1),
    "fast": (4, 15, 3, 5, 1.2),
    "medium": (5, 21, 5, 7, 1.5),
}


class FarnebackFlow(FlowEstimator):
    name = "farneback"

    def __init__(self, preset: str = DEFAULT_PRESET) -> None:
        self.preset = preset
        self.levels, self.winsize, self.iterations, self.poly_n, self.poly_sigma = _PRESETS[preset]

    def pair(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        flow = cv2.calcOpticalFlowFarneback(
            gray_uint8(a), gray_uint8(b), None, 0.5, self.levels, self.winsize,
            self.iterations, self.poly_n, self.poly_sigma, cv2.OPTFLOW_FARNEBACK_GAUSSIAN,
        )
        return from_opencv(flow, a.device)
