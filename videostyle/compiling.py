"""What ``--compile`` compiles, decided here and nowhere else.

torch.compile turns many small kernel launches into few fused ones (an optimization step on a large
GPU is launch-bound at video sizes) and costs a slow first call per input shape. Compiled are:

- the loss of an optimization step (``step``): image -> backbone features -> objective terms -> their
  sum, with its backward through AOTAutograd; one graph per working size, reused by every frame of a
  video, since the objectives hold their targets as buffers (graph inputs, not constants);
- a backbone's stages (``stages``), for the objectives that call the backbone themselves (tiled
  stills, dreams) and for training's loss network;
- a feed-forward or trained network's forward (``network``); for inference with static shapes (a
  short last batch is padded to the batch size), so no batch recompiles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import torch

F = TypeVar("F", bound=Callable[..., object])


def stages(run: F) -> F:
    """A backbone's stage runner, compiled (the backbone keeps the eager one beside it)."""
    return torch.compile(run)  # type: ignore[return-value]


def network(module: torch.nn.Module, enabled: bool, static: bool = False) -> Callable[..., torch.Tensor]:
    """A network's forward, compiled where ``enabled`` (``static``: no dynamic shapes, for fixed batches);
    the module itself is what gets saved and holds the weights."""
    return torch.compile(module, dynamic=False if static else None) if enabled else module


def step(loss: F, enabled: bool) -> F:
    """An optimization step's loss function, compiled where ``enabled`` (torch.compile's cache is the
    function's code: each image and frame reuses the graphs of its size)."""
    return torch.compile(loss) if enabled else loss  # type: ignore[return-value]
