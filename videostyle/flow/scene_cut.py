"""Scene cuts: where the temporal prior must start over instead of smearing one shot into the next.

Two signs, either is enough: the flow's forward-backward check fails on most of the frame (nothing
in the new frame was in the old one), or the color histograms jump (a cut between similar-looking
shots may still pass the first test somewhere, a cut to a different scene rarely passes the second).
"""

from __future__ import annotations

import math

import torch

MIN_RELIABLE = 0.3
"""A cut when less than this fraction of the frame passes the flow consistency check."""
MAX_HISTOGRAM_DISTANCE = 0.25
"""A cut when the Hellinger distance of the color histograms is above this (0 same, 1 disjoint)."""


HISTOGRAM_PIXELS = 20_000
"""About how many pixels a histogram counts: every k-th of every k-th row beyond that. 32 bins of 20,000
pixels are as telling as of all of them, and a stabilized 384x216 frame's cut test costs a quarter."""


def histograms(image: torch.Tensor, bins: int = 32) -> torch.Tensor:
    """(N,3,H,W) in [0,1] -> (3, bins) pixel counts per channel, in one ``bincount`` (``histc`` per
    channel cost 4 ms of a stabilized 384x216 frame on the CPU), of a regular subsample (``HISTOGRAM_PIXELS``)."""
    step = max(1, math.isqrt(image.shape[-2] * image.shape[-1] // HISTOGRAM_PIXELS))
    channels = image[..., ::step, ::step].transpose(0, 1).reshape(3, -1).float()
    index = (channels.clamp(0, 1) * bins).long().clamp_(max=bins - 1)
    index += torch.arange(0, 3 * bins, bins, device=image.device)[:, None]
    return torch.bincount(index.flatten(), minlength=3 * bins).view(3, bins).float()


def histogram_distance(a: torch.Tensor, b: torch.Tensor, bins: int = 32) -> float:
    """Mean over R, G, B of the Hellinger distance between the two images' histograms, in [0, 1].

    ``a`` and ``b``: (N,3,H,W) images, or their (3, bins) ``histograms`` when the caller keeps them
    (a video's frame takes part in two pairs: see flow.ahead's ``Guide``)."""
    ha = a if a.dim() == 2 else histograms(a, bins)
    hb = b if b.dim() == 2 else histograms(b, bins)
    overlap = (ha / ha.sum(1, keepdim=True).clamp_min(1) * hb / hb.sum(1, keepdim=True).clamp_min(1)).sqrt().sum(1)
    return float((1 - overlap).clamp_min(0).sqrt().mean())


def is_scene_cut(
    previous: torch.Tensor,
    current: torch.Tensor,
    weights: torch.Tensor | None = None,
    min_reliable: float = MIN_RELIABLE,
    max_histogram_distance: float = MAX_HISTOGRAM_DISTANCE,
) -> bool:
    """Whether ``current`` (1,3,H,W) starts a new shot after ``previous`` (or, for both, their ``histograms``).

    ``weights`` are the consistency weights of the flow between them (``consistency_weights``), when
    the caller has them; without them only the histogram test runs.
    """
    if weights is not None and float(weights.mean()) < min_reliable:
        return True
    return histogram_distance(previous, current) > max_histogram_distance
