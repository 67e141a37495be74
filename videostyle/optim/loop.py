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

from .. import compiling
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


def evaluate(
    param: ImageParam,
    objective: Objective,
    backbone: Backbone,
    transform: Callable[[torch.Tensor], torch.Tensor] | None,
) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """One step's loss and its named parts: the image, the features of the layers the objective reads
    (one forward pass for all its terms), the terms."""
    image = param()
    seen = transform(image) if transform is not None else image
    feats = backbone(seen, objective.layers) if objective.layers else {}
    parts = objective.breakdown(seen, feats)
    return torch.stack(list(parts.values())).sum(), parts


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
    """Minimize ``objective(image, backbone features)`` over ``param`` for ``steps`` steps.

    With a compiled backbone the whole loss is compiled where the objective reads its features from the
    loop's forward pass (see ``compiling``); an objective that runs the backbone itself (tiles) gets the
    compiled stages only."""
    loss_of = compiling.step(evaluate, backbone.compiled and bool(objective.layers))
    latest: dict[str, object] = {}

    def closure() -> torch.Tensor:
        optimizer.zero_grad(set_to_none=True)
        loss, parts = loss_of(param, objective, backbone, transform)
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
