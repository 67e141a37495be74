"""What a backbone's layers are called and what they output, for choosing targets and layers."""

from __future__ import annotations

from dataclasses import dataclass

from ..backbones import Backbone


@dataclass(frozen=True)
class LayerInfo:
    name: str
    shape: tuple[int, ...]  # (C, H, W) or (classes,)
    stride: int | None  # input pixels per feature-map pixel; None for vectors

    def describe(self) -> str:
        dims = " x ".join(str(d) for d in self.shape)
        return f"{self.name:<10} {dims:<18} " + (f"stride {self.stride}" if self.stride else "vector")


def layer_table(backbone: Backbone, size: int = 224) -> list[LayerInfo]:
    """Every layer of ``backbone`` with its output shape for a size x size input."""
    return [
        LayerInfo(name, shape, round(size / shape[-1]) if len(shape) == 3 else None)
        for name, shape in backbone.layer_shapes(size).items()
    ]
