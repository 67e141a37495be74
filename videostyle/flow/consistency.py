"""Where a flow can be trusted: the forward-backward check of Ruder, Dosovitskiy & Brox (2016).

``forward`` is the flow used to warp (on the grid of the frame being made, pointing into the other
frame) and ``backward`` the flow from the other frame back. A pixel is unreliable when it is
disoccluded (following the flow there and back does not return home), on a motion boundary (the
flow changes sharply), or when the flow leads out of the frame.
"""

from __future__ import annotations

import torch

from .warp import inside_frame, warp


def squared_norm(flow: torch.Tensor) -> torch.Tensor:
    return flow.pow(2).sum(1, keepdim=True)


def disocclusions(forward: torch.Tensor, backward: torch.Tensor) -> torch.Tensor:
    """(N,1,H,W) bool: |w + ŵ|² > 0.01 (|w|² + |ŵ|²) + 0.5, ŵ the backward flow at x + w(x); or out of frame."""
    back = warp(backward, forward)
    mismatch = squared_norm(forward + back) > 0.01 * (squared_norm(forward) + squared_norm(back)) + 0.5
    return mismatch | ~inside_frame(forward)


def motion_boundaries(flow: torch.Tensor) -> torch.Tensor:
    """(N,1,H,W) bool: |∇u|² + |∇v|² > 0.01 |w|² + 0.002, with forward differences (0 on the last row/column)."""
    dx = torch.zeros_like(flow)
    dy = torch.zeros_like(flow)
    dx[..., :, :-1] = flow[..., :, 1:] - flow[..., :, :-1]
    dy[..., :-1, :] = flow[..., 1:, :] - flow[..., :-1, :]
    return squared_norm(dx) + squared_norm(dy) > 0.01 * squared_norm(flow) + 0.002


def consistency_weights(forward: torch.Tensor, backward: torch.Tensor) -> torch.Tensor:
    """(N,1,H,W) float in [0,1]: 1 where ``warp(other, forward)`` can be trusted, 0 where it cannot."""
    unreliable = disocclusions(forward, backward) | motion_boundaries(forward)
    return (~unreliable).to(forward.dtype)
