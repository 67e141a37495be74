"""Optimizers by name, for the one optimization loop."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Literal

import torch

from ..errors import OptionError

OptimizerName = Literal["adam", "lbfgs"]
OPTIMIZERS: tuple[str, ...] = ("adam", "lbfgs")


def make_optimizer(name: str, params: Iterable[torch.nn.Parameter], lr: float) -> torch.optim.Optimizer:
    """Adam for speed and smooth video, L-BFGS for the sharpest single images (one step = one iteration)."""
    params = list(params)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr)
    if name == "lbfgs":
        return torch.optim.LBFGS(params, lr=lr, max_iter=1, history_size=50, line_search_fn="strong_wolfe")
    raise OptionError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")


def decay(optimizer: torch.optim.Optimizer, steps: int, final: float = 0.05) -> torch.optim.lr_scheduler.LRScheduler:
    """Cosine decay to ``final`` x the initial rate: large early steps find the style, small late ones
    stop Adam's per-pixel normalization from leaving high-frequency noise behind."""
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda i: final + (1 - final) * 0.5 * (1 + math.cos(math.pi * min(i, steps) / steps))
    )
