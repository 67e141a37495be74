"""Style strength (``--alpha``) of the networks that take any style: one number, or one per image.

Each such network moves its style input towards the image's own (the style code of the content, or
its own features) by ``1 - alpha``; a number serves a whole clip, a (N,) tensor gives every image of a
batch its own strength, which is how ``--alpha-at`` keyframes reach a batch of frames.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

Alpha = float | torch.Tensor


def alpha_trace_key(alpha: Alpha) -> float | None:
    """What a traced forward bakes in of ``alpha``: the number, or None for one per image (run eagerly, see feedforward.traced)."""
    return None if isinstance(alpha, torch.Tensor) else float(alpha)


def with_alpha(alpha: Alpha, given: torch.Tensor, own: Callable[[], torch.Tensor], lerp: bool = False) -> torch.Tensor:
    """``given`` moved a share ``1 - alpha`` towards ``own()`` (computed only when needed), per image.

    ``lerp`` picks ``torch.lerp`` over ``alpha * given + (1 - alpha) * own``: each network keeps the
    arithmetic it had before strengths could change per image, so its results stay bit-identical."""
    if not isinstance(alpha, torch.Tensor):
        if alpha >= 1:
            return given
        weight: Alpha = alpha
    else:
        weight = alpha.to(given.device, given.dtype).reshape(-1, *[1] * (given.ndim - 1))
    if lerp:
        return torch.lerp(own().to(given.dtype), given, weight)
    return weight * given + (1 - weight) * own()
