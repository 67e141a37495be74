"""Objectives: scalar functions of an image and its features that add and scale.

An objective declares the backbone layers it reads; a sum reads the union, so one forward pass
feeds every term. ``breakdown`` keeps the named parts apart for progress display, and the total
is their sum. Objectives are modules so that the targets they hold move with ``.to(device)``.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch
from torch import nn

Features = dict[str, torch.Tensor]


class Objective(nn.Module):
    """Base class: subclasses set ``name`` and ``layers`` and implement ``forward(image, feats)``."""

    name: str = "objective"
    layers: tuple[str, ...] = ()

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:  # pragma: no cover - abstract
        raise NotImplementedError

    def breakdown(self, image: torch.Tensor, feats: Features) -> dict[str, torch.Tensor]:
        """Named parts whose sum is the objective's value."""
        return {self.name: self(image, feats)}

    def __add__(self, other: Objective) -> Objective:
        return Sum([self, other])

    def __mul__(self, weight: float) -> Objective:
        return Scaled(self, weight)

    __rmul__ = __mul__

    def __neg__(self) -> Objective:
        return Scaled(self, -1.0)

    def __sub__(self, other: Objective) -> Objective:
        return self + (-other)


class Sum(Objective):
    """The sum of several objectives; parts with the same name are added together in the breakdown."""

    def __init__(self, parts: Iterable[Objective]) -> None:
        super().__init__()
        flat: list[Objective] = []
        for part in parts:
            flat.extend(part.parts if isinstance(part, Sum) else [part])
        self.parts = nn.ModuleList(flat)
        self.layers = tuple(dict.fromkeys(layer for part in flat for layer in part.layers))
        self.name = "+".join(part.name for part in flat)

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        return sum((part(image, feats) for part in self.parts), torch.zeros((), device=image.device))

    def breakdown(self, image: torch.Tensor, feats: Features) -> dict[str, torch.Tensor]:
        out: dict[str, torch.Tensor] = {}
        for part in self.parts:
            for name, value in part.breakdown(image, feats).items():
                out[name] = out[name] + value if name in out else value
        return out


class Scaled(Objective):
    """An objective times a constant weight."""

    def __init__(self, inner: Objective, weight: float) -> None:
        super().__init__()
        self.inner = inner
        self.weight = float(weight)
        self.layers = inner.layers
        self.name = inner.name

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        return self.weight * self.inner(image, feats)

    def breakdown(self, image: torch.Tensor, feats: Features) -> dict[str, torch.Tensor]:
        return {name: self.weight * value for name, value in self.inner.breakdown(image, feats).items()}
