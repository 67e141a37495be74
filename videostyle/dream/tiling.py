"""Dream on images larger than memory allows by evaluating the objective tile by tile.

The loop sees one objective on the whole image (``layers`` is empty, so the loop hands over the
image itself); inside, an image larger than a tile is cut into tiles, each tile goes through the
backbone under activation checkpointing, and the per-tile values are averaged by area. Only one
tile's activations are alive at a time, in the forward pass and when backward recomputes them,
while the gradient still arrives as one whole-image tensor, so the step is normalized globally and
flat regions stay calm. The tile grid is rolled by a random offset at every evaluation so its seams
never stay in one place. On CUDA the network runs under bfloat16 autocast.
"""

from __future__ import annotations

import math

import torch
from torch.utils.checkpoint import checkpoint

from ..backbones import Backbone
from ..objectives import Features, Objective


def tile_bounds(length: int, tile: int) -> list[tuple[int, int]]:
    """Split ``length`` into the fewest near-equal spans no longer than ``tile`` (no sliver tiles)."""
    count = math.ceil(length / tile)
    edges = [round(k * length / count) for k in range(count + 1)]
    return list(zip(edges[:-1], edges[1:]))


class Tiled(Objective):
    """``inner`` evaluated through ``backbone`` on tiles of at most ``tile`` x ``tile`` pixels, area-weighted."""

    def __init__(self, inner: Objective, backbone: Backbone, tile: int, generator: torch.Generator) -> None:
        super().__init__()
        self.inner = inner
        self.backbone = backbone
        self.tile = tile
        self.generator = generator
        self.name = inner.name
        self.layers = ()

    def _evaluate(self, crop: torch.Tensor) -> torch.Tensor:
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=crop.device.type == "cuda"):
            feats = {name: f.float() for name, f in self.backbone(crop, self.inner.layers).items()}
        return self.inner(crop, feats)

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        h, w = image.shape[-2:]
        if h <= self.tile and w <= self.tile:
            return self._evaluate(image)
        dy, dx = (int(torch.randint(0, min(n, self.tile), (1,), generator=self.generator)) for n in (h, w))
        shifted = torch.roll(image, (dy, dx), (-2, -1))
        total = torch.zeros((), device=image.device)
        for y0, y1 in tile_bounds(h, self.tile):
            for x0, x1 in tile_bounds(w, self.tile):
                value = checkpoint(self._evaluate, shifted[..., y0:y1, x0:x1], use_reentrant=False)
                total = total + value * ((y1 - y0) * (x1 - x0) / (h * w))
        return total
