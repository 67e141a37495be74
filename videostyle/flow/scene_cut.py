"""Scene cuts: where the temporal prior must start over instead of smearing one shot into the next.

Two signs, either is enough: the flow's forward-backward check fails on most of the frame (nothing
in the new frame was in the old one), or the color histograms jump (a cut between similar-looking
shots may still pass the first test somewhere, a cut to a different scene rarely passes the second).
"""

from __future__ import annotations

import torch

MIN_RELIABLE = 0.3
"""A cut when less than this fraction of the frame passes the flow consistency check."""
MAX_HISTOGRAM_DISTANCE = 0.25
"""A cut when the Hellinger distance of the color histograms is above this (0 same, 1 disjoint)."""


def histogram_distance(a: torch.Tensor, b: torch.Tensor, bins: int = 32) -> float:
    """Mean over R, G, B of the Hellinger distance between the two images' histograms, in [0, 1]."""
    total = 0.0
    for channel in range(3):
        ha = torch.histc(a[:, channel].float(), bins=bins, min=0, max=1)
        hb = torch.histc(b[:, channel].float(), bins=bins, min=0, max=1)
        overlap = (ha / ha.sum().clamp_min(1) * hb / hb.sum().clamp_min(1)).sqrt().sum()
        total += float((1 - overlap).clamp_min(0).sqrt())
    return total / 3


def is_scene_cut(
    previous: torch.Tensor,
    current: torch.Tensor,
    weights: torch.Tensor | None = None,
    min_reliable: float = MIN_RELIABLE,
    max_histogram_distance: float = MAX_HISTOGRAM_DISTANCE,
) -> bool:
    """Whether ``current`` (1,3,H,W) starts a new shot after ``previous``.

    ``weights`` are the consistency weights of the flow between them (``consistency_weights``), when
    the caller has them; without them only the histogram test runs.
    """
    if weights is not None and float(weights.mean()) < min_reliable:
        return True
    return histogram_distance(previous, current) > max_histogram_distance
