"""The one optimization loop: style transfer, inversion, texture, dreams and visualizations all run here.

The loop owns nothing but the iteration: an image parameterization to change, an objective to
minimize over the backbone's features, an optimizer, and optional hooks (a random ``transform``
applied before the network, such as jitter; an ``after_step`` such as blur). It yields its state after
every step so callers can show progress, stop early or grab intermediate images; it never prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch

from ..backbones import Backbone
from ..objectives import Objective
from .params import ImageParam


@dataclass
class Step:
    """State after one step. Loss values stay tensors until read, so no GPU sync happens unless asked."""

    index: int
    total: int
    param: ImageParam
    _loss: torch.Tensor
    _parts: dict[str, torch.Tensor]

    @property
    def loss(self) -> float:
        return float(self._loss)

    @property
    def parts(self) -> dict[str, float]:
        return {name: float(value) for name, value in self._parts.items()}

    def image(self) -> torch.Tensor:
        """The current image (detached), RGB in [0,1]."""
        with torch.no_grad():
            return self.param().detach()


def optimize(
    param: ImageParam,
    objective: Objective,
    backbone: Backbone,
    steps: int,
    optimizer: torch.optim.Optimizer,
    transform: Callable[[torch.Tensor], torch.Tensor] | None = None,
    after_step: Callable[[ImageParam, int], None] | None = None,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
) -> Iterator[Step]:
    """Minimize ``objective(image, backbone features)`` over ``param`` for ``steps`` steps."""
    layers = objective.layers
    latest: dict[str, object] = {}

    def closure() -> torch.Tensor:
        optimizer.zero_grad(set_to_none=True)
        image = param()
        seen = transform(image) if transform is not None else image
        feats = backbone(seen, layers) if layers else {}
        parts = objective.breakdown(seen, feats)
        loss = torch.stack(list(parts.values())).sum()
        loss.backward()
        latest["loss"], latest["parts"] = loss.detach(), {k: v.detach() for k, v in parts.items()}
        return loss

    for index in range(steps):
        optimizer.step(closure)
        param.project()
        if scheduler is not None:
            scheduler.step()
        if after_step is not None:
            after_step(param, index)
        yield Step(index, steps, param, latest["loss"], latest["parts"])  # type: ignore[arg-type]
