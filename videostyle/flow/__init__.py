"""Optical flow for temporal coherence: estimators, warping, reliability masks and scene cuts, in torch.

Convention: ``make_flow(...)(a, b)`` is flow (N,2,H,W) in pixels (dx, dy) with a(x) ≈ b(x + flow(x));
``warp(b, flow)`` then approximates ``a``; ``consistency_weights(flow a->b, flow b->a)`` says where.
"""

from ..lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    ".carry": ("Carry", "FlowOptions", "carry"),
    ".consistency": ("consistency_weights", "disocclusions", "motion_boundaries", "photometric_mismatch"),
    ".estimator": ("DEFAULT_PRESET", "FLOW_PRESETS", "FlowEstimator"),
    ".methods": ("FLOW_FACTORIES", "FLOW_METHODS", "make_flow"),
    ".scene_cut": ("histogram_distance", "is_scene_cut"),
    ".warp": ("inside_frame", "pixel_grid", "warp"),
})
