"""DeepDream's gradient step: move by ``lr`` times the gradient divided by its mean absolute value.

Normalizing by the mean magnitude makes the step size mean "how much the image changes per step"
(in [0,1] pixel units) whatever layer, objective or image size produced the gradient, which is what
lets one ``--step-size`` serve every target. It is an ordinary torch optimizer so that dreaming runs
through the one optimization loop; the loop minimizes, so dream objectives are negated activations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch


class NormalizedGradient(torch.optim.Optimizer):
    """p <- p - lr * g / (mean|g| + eps), per parameter tensor."""

    def __init__(self, params: Iterable[torch.nn.Parameter], lr: float = 0.01, eps: float = 1e-8) -> None:
        if lr <= 0:
            raise ValueError(f"step size must be positive, got {lr}")
        super().__init__(params, {"lr": lr, "eps": eps})

    @torch.no_grad()
    def step(self, closure: Callable[[], torch.Tensor] | None = None) -> torch.Tensor | None:  # type: ignore[override]
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                scale = p.grad.abs().mean().add_(group["eps"])
                p.sub_(group["lr"] * p.grad / scale)
        return loss
