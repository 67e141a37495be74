"""Dense Inverse Search optical flow (Kroeger et al. 2016) from OpenCV: fast on any CPU, no weights."""

from __future__ import annotations

import cv2
import numpy as np
import torch

from .estimator import DEFAULT_PRESET, FlowEstimator, from_opencv, gray_uint8

_PRESETS = {
    "ultrafast": cv2.DISOPTICAL_FLOW_PRESET_ULTRAFAST,
    "fast": cv2.DISOPTICAL_FLOW_PRESET_FAST,
    "medium": cv2.DISOPTICAL_FLOW_PRESET_MEDIUM,
}


class DisFlow(FlowEstimator):
    """OpenCV DIS on grayscale uint8 at the images' own size; the flow goes back to their device."""

    name = "dis"
    reads_gray = True  # callers that see a frame in several pairs make its grey once (``gray_pair``)

    def __init__(self, preset: str = DEFAULT_PRESET) -> None:
        self.preset = preset
        self.dis = cv2.DISOpticalFlow_create(_PRESETS[preset])

    def pair(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return from_opencv(self.dis.calc(gray_uint8(a), gray_uint8(b), None), a.device)

    def gray_pair(self, a: np.ndarray, b: np.ndarray) -> torch.Tensor:
        """Flow a -> b (1,2,H,W) on the CPU from two uint8 grey images of a shape DIS takes."""
        return from_opencv(self.dis.calc(a, b, None), torch.device("cpu"))
