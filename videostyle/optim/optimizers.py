"""Optimizers by name, for the one optimization loop."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Literal

import torch

from ..errors import OptionError
from .ascent import NormalizedGradient

OptimizerName = Literal["adam", "lbfgs", "normalized", "sgd", "rmsprop"]
from ..names import OPTIMIZER_NAMES as OPTIMIZERS


def make_optimizer(
    name: str, params: Iterable[torch.nn.Parameter], lr: float, rmsprop_decay: float = 0.95
) -> torch.optim.Optimizer:
    """Adam for speed and smooth video, L-BFGS for the sharpest single images (one step = one iteration).

    sgd is the plain gradient step of Simonyan et al. (and of Langevin sampling); rmsprop with
    ``rmsprop_decay`` (the running average's decay) is cnn-vis's optimizer.
    """
    if not (math.isfinite(lr) and lr > 0):
        raise OptionError(f"--lr must be a finite number above 0, not {lr}")
    params = list(params)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr)
    if name == "lbfgs":
        return torch.optim.LBFGS(params, lr=lr, max_iter=1, history_size=50, line_search_fn="strong_wolfe")
    if name == "normalized":
        return NormalizedGradient(params, lr=lr)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "rmsprop":
        if not 0 <= rmsprop_decay < 1:
            raise OptionError(f"RMSProp decay must be in [0, 1), got {rmsprop_decay}")
        return torch.optim.RMSprop(params, lr=lr, alpha=rmsprop_decay, eps=1e-8)
    raise OptionError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")


def decay(optimizer: torch.optim.Optimizer, steps: int, final: float = 0.05) -> torch.optim.lr_scheduler.LRScheduler:
    """Cosine decay to ``final`` x the initial rate: large early steps find the style, small late ones
    stop Adam's per-pixel normalization from leaving high-frequency noise behind."""
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda i: final + (1 - final) * 0.5 * (1 + math.cos(math.pi * min(i, steps) / steps))
    )


def step_decay(optimizer: torch.optim.Optimizer, every: int, factor: float) -> torch.optim.lr_scheduler.LRScheduler:
    """Multiply the learning rate by ``factor`` every ``every`` steps (cnn-vis's learning-rate decay)."""
    if every < 1 or not 0 < factor <= 1:
        raise OptionError(f"learning-rate decay needs every >= 1 and 0 < factor <= 1, got {every} and {factor}")
    return torch.optim.lr_scheduler.StepLR(optimizer, step_size=every, gamma=factor)
