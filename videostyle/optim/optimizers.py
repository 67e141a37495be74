"""Optimizers by name, for the one optimization loop."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Literal

import torch

from ..errors import OptionError
from ..registry import Registry
from .ascent import NormalizedGradient

OptimizerName = Literal["adam", "lbfgs", "normalized", "sgd", "rmsprop"]
OptimizerFactory = Callable[[list[torch.nn.Parameter], float, float], torch.optim.Optimizer]
"""(parameters, learning rate, RMSProp decay) -> optimizer."""

OPTIMIZER_FACTORIES: Registry[OptimizerFactory] = Registry("optimizer")
FUSED_DEVICES = ("cuda", "cpu")
"""Where torch has a fused Adam kernel (every step of every parameter in one launch)."""


@OPTIMIZER_FACTORIES.register("adam")
def _adam(params: list[torch.nn.Parameter], lr: float, _: float) -> torch.optim.Adam:
    """Adam updating all parameters at once: one fused kernel where the device has it (CUDA, CPU), else the
    multi-tensor (foreach) form. torch's default steps tensor by tensor, about 8 kernels each: 32 launches
    of the 4-level pyramid's Adam step against 1, on a GPU that is launch-bound at video sizes."""
    fused = bool(params) and all(p.device.type in FUSED_DEVICES for p in params)
    return torch.optim.Adam(params, lr=lr, fused=fused or None, foreach=None if fused else True)


OPTIMIZER_FACTORIES.register(
    "lbfgs", lambda params, lr, _: torch.optim.LBFGS(params, lr=lr, max_iter=1, history_size=50, line_search_fn="strong_wolfe")
)
OPTIMIZER_FACTORIES.register("normalized", lambda params, lr, _: NormalizedGradient(params, lr=lr))
OPTIMIZER_FACTORIES.register("sgd", lambda params, lr, _: torch.optim.SGD(params, lr=lr))


@OPTIMIZER_FACTORIES.register("rmsprop")
def _rmsprop(params: list[torch.nn.Parameter], lr: float, decay: float) -> torch.optim.Optimizer:
    if not 0 <= decay < 1:
        raise OptionError(f"RMSProp decay must be in [0, 1), got {decay}")
    return torch.optim.RMSprop(params, lr=lr, alpha=decay, eps=1e-8)


OPTIMIZERS: tuple[str, ...] = OPTIMIZER_FACTORIES.names()


def make_optimizer(
    name: str, params: Iterable[torch.nn.Parameter], lr: float, rmsprop_decay: float = 0.95
) -> torch.optim.Optimizer:
    """Adam for speed and smooth video, L-BFGS for the sharpest single images (one step = one iteration).

    sgd is the plain gradient step of Simonyan et al. (and of Langevin sampling); rmsprop with
    ``rmsprop_decay`` (the running average's decay) is cnn-vis's optimizer.
    """
    if not (math.isfinite(lr) and lr > 0):
        raise OptionError(f"--lr must be a finite number above 0, not {lr}")
    return OPTIMIZER_FACTORIES[name](list(params), lr, rmsprop_decay)


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
