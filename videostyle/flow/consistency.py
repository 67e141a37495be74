"""Where a flow can be trusted: the forward-backward check of Ruder, Dosovitskiy & Brox (2016).

``forward`` is the flow used to warp (on the grid of the frame being made, pointing into the other
frame) and ``backward`` the flow from the other frame back. A pixel is unreliable when it is
disoccluded (following the flow there and back does not return home), on a motion boundary (the
flow changes sharply), or when the flow leads out of the frame. ``photometric_mismatch`` adds the
check the flows cannot make on themselves: where both are wrong the same way, the content frames say so.

Inside, the checks work on float masks (0 or 1 in the flow's dtype; "or" is ``maximum``, "and" a
product) on the flow's x and y planes: on the CPU a comparison into a bool tensor, a bool-to-float
conversion and a reduction over two channels each cost 4 to 10 times an elementwise float
operation, and the stabilizer's flow thread runs these checks on every frame (issue 23). The public
functions return bool masks, the same pixels as before to the bit.
"""

from __future__ import annotations

import torch

from .warp import sample_at, sample_positions, within


def squared_norm(flow: torch.Tensor) -> torch.Tensor:
    """(N,2,H,W) -> (N,1,H,W) x² + y²."""
    square = flow * flow
    return square[:, :1] + square[:, 1:]


def _above(value: torch.Tensor, threshold: torch.Tensor | float) -> torch.Tensor:
    """Float mask of ``value > threshold``."""
    return torch.gt(value, threshold, out=torch.empty_like(value))


def _outside(positions: torch.Tensor) -> torch.Tensor:
    """Float mask of the absolute pixel ``positions`` (N,2,H,W) that lie outside the frame."""
    return within(positions).neg_().add_(1)


def disocclusions(forward: torch.Tensor, backward: torch.Tensor) -> torch.Tensor:
    """(N,1,H,W) bool: |w + ŵ|² > 0.01 (|w|² + |ŵ|²) + 0.5, ŵ the backward flow at x + w(x); or out of frame."""
    positions = sample_positions(forward)
    round_trip = _round_trip_fails(forward, sample_at(backward, positions), squared_norm(forward))
    return torch.maximum(round_trip, _outside(positions)).bool()


def _round_trip_fails(forward: torch.Tensor, back: torch.Tensor, forward_norm: torch.Tensor) -> torch.Tensor:
    """Float mask; ``back``: the backward flow sampled at x + forward(x); ``forward_norm``: |forward|²."""
    limit = (forward_norm + squared_norm(back)).mul_(0.01).add_(0.5)
    return _above(squared_norm(forward + back), limit)


def motion_boundaries(flow: torch.Tensor) -> torch.Tensor:
    """(N,1,H,W) bool: |∇u|² + |∇v|² > 0.01 |w|² + 0.002, with forward differences (0 on the last row/column)."""
    return _motion_boundaries(flow, squared_norm(flow)).bool()


def _motion_boundaries(flow: torch.Tensor, flow_norm: torch.Tensor) -> torch.Tensor:
    """Float mask; ``flow_norm``: |flow|²."""
    dx = torch.zeros_like(flow)
    dy = torch.zeros_like(flow)
    torch.sub(flow[..., :, 1:], flow[..., :, :-1], out=dx[..., :, :-1])
    torch.sub(flow[..., 1:, :], flow[..., :-1, :], out=dy[..., :-1, :])
    return _above(squared_norm(dx).add_(squared_norm(dy)), flow_norm.mul(0.01).add_(0.002))


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
    warped = sample_at(earlier, positions).to(forward.dtype)
    return _differs(warped, current.to(forward.dtype), _outside(positions), threshold).bool()


def _differs(warped: torch.Tensor, current: torch.Tensor, outside: torch.Tensor, threshold: float) -> torch.Tensor:
    """Float mask of where the (N,C,H,W) images differ by more than ``threshold`` on average, inside the frame."""
    difference = (warped - current).abs_()
    total = difference[:, :1].clone()
    for channel in range(1, difference.shape[1]):
        total += difference[:, channel : channel + 1]
    differs = _above(total.div_(difference.shape[1]), threshold)
    return dilate(differs.mul_(1 - outside))


def dilate(mask: torch.Tensor) -> torch.Tensor:
    """(N,C,H,W) mask (bool, or float 0/1) grown by one pixel into its 3x3 neighbourhood, as four
    shifted maxima (a 3x3 ``max_pool2d`` on the mask as floats gave the same and cost 24x as much on the CPU)."""
    rows = mask.clone()
    torch.maximum(rows[..., 1:], mask[..., :-1], out=rows[..., 1:])
    torch.maximum(rows[..., :-1], mask[..., 1:], out=rows[..., :-1])
    grown = rows.clone()
    torch.maximum(grown[..., 1:, :], rows[..., :-1, :], out=grown[..., 1:, :])
    torch.maximum(grown[..., :-1, :], rows[..., 1:, :], out=grown[..., :-1, :])
    return grown


def pair_checks(
    forward: torch.Tensor, backward: torch.Tensor, earlier: torch.Tensor, current: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Float masks of a flow pair and its two content frames: (disocclusions, motion boundaries of
    ``forward``, photometric mismatch).

    The first and last read what lies at x + forward(x) (the backward flow, the earlier content):
    here that is sampled once, in one pass over both (the checks of a stabilized frame cost a third less).
    """
    positions = sample_positions(forward)
    sampled = sample_at(torch.cat([earlier.to(backward.dtype), backward], dim=1), positions)
    earlier_at, backward_at = sampled.split((earlier.shape[1], backward.shape[1]), dim=1)
    outside = _outside(positions)
    forward_norm = squared_norm(forward)
    occluded = torch.maximum(_round_trip_fails(forward, backward_at, forward_norm), outside)
    boundaries = _motion_boundaries(forward, forward_norm)
    return occluded, boundaries, _differs(earlier_at, current.to(forward.dtype), outside, PHOTOMETRIC_THRESHOLD)


def consistency_weights(forward: torch.Tensor, backward: torch.Tensor) -> torch.Tensor:
    """(N,1,H,W) float in [0,1]: 1 where ``warp(other, forward)`` can be trusted, 0 where it cannot."""
    unreliable = disocclusions(forward, backward) | motion_boundaries(forward)
    return (~unreliable).to(forward.dtype)
