"""Optical flow for temporal coherence: estimators, warping, reliability masks and scene cuts, in torch.

Convention: ``make_flow(...)(a, b)`` is flow (N,2,H,W) in pixels (dx, dy) with a(x) ≈ b(x + flow(x));
``warp(b, flow)`` then approximates ``a``; ``consistency_weights(flow a->b, flow b->a)`` says where.
"""

from .carry import Carry, FlowOptions, carry
from .consistency import consistency_weights, disocclusions, motion_boundaries, photometric_mismatch
from .estimator import DEFAULT_PRESET, FLOW_METHODS, FLOW_PRESETS, FlowEstimator, make_flow
from .scene_cut import histogram_distance, is_scene_cut
from .warp import inside_frame, pixel_grid, warp

__all__ = [
    "DEFAULT_PRESET",
    "FLOW_METHODS",
    "FLOW_PRESETS",
    "Carry",
    "FlowOptions",
    "FlowEstimator",
    "carry",
    "consistency_weights",
    "disocclusions",
    "histogram_distance",
    "inside_frame",
    "is_scene_cut",
    "make_flow",
    "motion_boundaries",
    "photometric_mismatch",
    "pixel_grid",
    "warp",
]
