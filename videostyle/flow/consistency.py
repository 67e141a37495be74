"""Where a flow can be trusted: the forward-backward check of Ruder, Dosovitskiy & Brox (2016).

``forward`` is the flow used to warp (on the grid of the frame being made, pointing into the other
frame) and ``backward`` the flow from the other frame back. A pixel is unreliable when it is
disoccluded (following the flow there and back does not return home), on a motion boundary (the
flow changes sharply), or when the flow leads out of the frame. ``photometric_mismatch`` adds the
check the flows cannot make on themselves: where both are wrong the same way, the content frames say so.
"""

from __future__ import annotations

import torch

from .warp import inside, sample_at, sample_positions


def squared_norm(flow: torch.Tensor) -> torch.Tensor:
    return flow.pow(2).sum(1, keepdim=True)


def disocclusions(forward: torch.Tensor, backward: torch.Tensor) -> torch.Tensor:
    """(N,1,H,W) bool: |w + ŵ|² > 0.01 (|w|² + |ŵ|²) + 0.5, ŵ the backward flow at x + w(x); or out of frame."""
    positions = sample_positions(forward)
    return _round_trip_fails(forward, sample_at(backward, positions)) | ~inside(positions)


def _round_trip_fails(forward: torch.Tensor, back: torch.Tensor) -> torch.Tensor:
    """``back``: the backward flow sampled at x + forward(x)."""
    return squared_norm(forward + back) > 0.01 * (squared_norm(forward) + squared_norm(back)) + 0.5


def motion_boundaries(flow: torch.Tensor) -> torch.Tensor:
    """(N,1,H,W) bool: |∇u|² + |∇v|² > 0.01 |w|² + 0.002, with forward differences (0 on the last row/column)."""
    dx = torch.zeros_like(flow)
    dy = torch.zeros_like(flow)
    dx[..., :, :-1] = flow[..., :, 1:] - flow[..., :, :-1]
    dy[..., :-1, :] = flow[..., 1:, :] - flow[..., :-1, :]
    return squared_norm(dx) + squared_norm(dy) > 0.01 * squared_norm(flow) + 0.002


PHOTOMETRIC_THRESHOLD = 0.1
"""Mean absolute RGB difference (in [0, 1]) above which the warped earlier content disagrees with the
current one. On samples/clip.mp4 sub-pixel interpolation and codec noise at sharp edges stay below
about 0.07 (the 99th percentile), while the segments of the spinning ball, which rotate faster than
the flow follows, differ by 0.15-0.5; 0.1 marks the ball and almost nothing else."""


def photometric_mismatch(
    forward: torch.Tensor, earlier: torch.Tensor, current: torch.Tensor, threshold: float = PHOTOMETRIC_THRESHOLD
) -> torch.Tensor:
    """(N,1,H,W) bool: where ``earlier`` content warped by ``forward`` differs from ``current`` content.

    Something that changes faster than the flow follows (a spinning ball, a flickering screen) gets
    forward and backward flows that are wrong the same way, so the forward-backward check trusts
    them, and whatever is carried along them smears into a ghost. The content frames show it: there
    the warped earlier frame does not look like the current one. The mask is dilated by one pixel,
    since the difference shows most at edges and the flow next to them is as wrong. Pixels whose
    flow leads out of the frame are left to ``disocclusions``.
    """
    positions = sample_positions(forward)
    return _differs(sample_at(earlier, positions), current, inside(positions), threshold)


def _differs(warped: torch.Tensor, current: torch.Tensor, within: torch.Tensor, threshold: float) -> torch.Tensor:
    difference = (warped - current).abs().mean(1, keepdim=True)
    return dilate((difference > threshold) & within)


def dilate(mask: torch.Tensor) -> torch.Tensor:
    """(N,C,H,W) bool grown by one pixel into its 3x3 neighbourhood, as four shifted ORs (a 3x3
    ``max_pool2d`` on the mask as floats gave the same and cost 24x as much on the CPU)."""
    rows = mask.clone()
    rows[..., 1:] |= mask[..., :-1]
    rows[..., :-1] |= mask[..., 1:]
    grown = rows.clone()
    grown[..., 1:, :] |= rows[..., :-1, :]
    grown[..., :-1, :] |= rows[..., 1:, :]
    return grown


def pair_checks(
    forward: torch.Tensor, backward: torch.Tensor, earlier: torch.Tensor, current: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """(``disocclusions``, ``photometric_mismatch``) of a flow pair and its two content frames.

    Both read what lies at x + forward(x) (the backward flow, the earlier content): here that is
    sampled once, in one pass over both (the checks of a stabilized frame cost a third less).
    """
    positions = sample_positions(forward)
    sampled = sample_at(torch.cat([earlier.to(backward.dtype), backward], dim=1), positions)
    earlier_at, backward_at = sampled.split((earlier.shape[1], backward.shape[1]), dim=1)
    within = inside(positions)
    occluded = _round_trip_fails(forward, backward_at) | ~within
    return occluded, _differs(earlier_at, current, within, PHOTOMETRIC_THRESHOLD)


def consistency_weights(forward: torch.Tensor, backward: torch.Tensor) -> torch.Tensor:
    """(N,1,H,W) float in [0,1]: 1 where ``warp(other, forward)`` can be trusted, 0 where it cannot."""
    unreliable = disocclusions(forward, backward) | motion_boundaries(forward)
    return (~unreliable).to(forward.dtype)
