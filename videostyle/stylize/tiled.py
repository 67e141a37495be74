"""Style transfer of images larger than the network should see at once: tiles with whole-image statistics.

Optimizing a 4096 px image in one piece needs tens of gigabytes of activations; optimizing its tiles
one by one needs one tile's, but each tile would then match the style on its own and the tiles would
disagree (different colors and stroke sizes, visible seams). Here the image is optimized as one
image, while the network sees it tile by tile (``optim.tiling.context_tiles``): the style term is a
function of statistics that are averages over positions (Gram matrices; means and second moments),
so the whole image's are the area-weighted mean of the tiles', and the loss of that mean is the style
loss of the whole image, as URST (Chen et al. 2022) does for its normalization statistics. Each tile
runs under activation checkpointing: only its statistics stay in the graph, and backpropagation
recomputes one tile at a time. The content term compares each tile's features with the content
image's at the same place (assembled from tiles once). Tiles carry a context margin whose features
are dropped, and their edges move at every step, so that neither zero padding nor a fixed grid
leaves a seam.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Protocol

import torch
from torch.utils.checkpoint import checkpoint

from ..backbones import Backbone
from ..objectives import Features, Objective
from ..optim.tiling import ALIGN, Box, context_tiles, inner_features, stride_of

Statistics = Callable[[Features, Sequence[str]], dict[str, torch.Tensor]]


class PooledStyle(Protocol):
    """A style loss that is a function of position-averaged ``statistics`` (StyleLoss, MomentStyleLoss)."""

    layers: tuple[str, ...]
    statistics: Statistics

    def loss(self, stats: Mapping[str, torch.Tensor]) -> torch.Tensor: ...


def margin(tile: int) -> int:
    """Context each tile sees beyond its own area: a sixteenth of the tile (64 px for 1024), in whole ALIGN units."""
    return max(ALIGN, tile // 16 // ALIGN * ALIGN)


def _cut(image: torch.Tensor, box: Box) -> torch.Tensor:
    return image[..., box[0] : box[1], box[2] : box[3]]


def _share(inner: Box, height: int, width: int) -> float:
    return (inner[1] - inner[0]) * (inner[3] - inner[2]) / (height * width)


def _accumulate(total: dict[str, torch.Tensor], stats: Mapping[str, torch.Tensor], share: float) -> None:
    """Add a tile's statistics, weighted by its share of the image's area, into ``total``."""
    for key, value in stats.items():
        total[key] = total[key] + share * value if key in total else share * value


def _by_tile(backbone: Backbone, image: torch.Tensor, layers: Sequence[str], tile: int) -> Iterator[tuple[Box, Box, Features]]:
    """Each tile's crop, inner box and the crop's features, on a fixed layout (targets are computed once)."""
    h, w = image.shape[-2:]
    for crop, inner in context_tiles(h, w, tile, margin(tile)):
        yield crop, inner, backbone(_cut(image, crop), layers)


@torch.no_grad()
def pooled_statistics(
    backbone: Backbone, image: torch.Tensor, layers: Sequence[str], statistics: Statistics, tile: int
) -> dict[str, torch.Tensor]:
    """``statistics`` of ``image``'s features, computed tile by tile and pooled (one piece if it fits a tile)."""
    h, w = image.shape[-2:]
    total: dict[str, torch.Tensor] = {}
    for crop, inner, feats in _by_tile(backbone, image, layers, tile):
        _accumulate(total, statistics(inner_features(feats, crop, inner), layers), _share(inner, h, w))
    return total


@torch.no_grad()
def tiled_features(backbone: Backbone, image: torch.Tensor, layers: Sequence[str], tile: int) -> dict[str, tuple[int, torch.Tensor]]:
    """The whole image's feature maps with their strides, assembled from the tiles' (each seen with its margin)."""
    h, w = image.shape[-2:]
    out: dict[str, tuple[int, torch.Tensor]] = {}
    for crop, inner, feats in _by_tile(backbone, image, layers, tile):
        for name, f in inner_features(feats, crop, inner).items():
            if name not in out:
                s = stride_of(crop[1] - crop[0], feats[name].shape[-2])
                out[name] = (s, f.new_zeros(*f.shape[:2], -(-h // s), -(-w // s)))
            s, whole = out[name]
            whole[..., inner[0] // s : inner[0] // s + f.shape[-2], inner[2] // s : inner[2] // s + f.shape[-1]] = f
    return out


def _at(feats: dict[str, tuple[int, torch.Tensor]], inner: Box) -> Features:
    """Whole-image feature maps cut to the positions of ``inner`` (whose edges are multiples of ALIGN or the image's)."""
    return {name: f[..., inner[0] // s : -(-inner[1] // s), inner[2] // s : -(-inner[3] // s)] for name, (s, f) in feats.items()}


class TiledStyleTransfer(Objective):
    """Content and style terms of a large image through ``backbone`` on tiles of at most ``tile`` pixels.

    Parts ``content`` and ``style`` (times their weights), as the whole-image terms name them. Its
    ``layers`` are empty: the loop hands it the image itself.
    """

    def __init__(
        self,
        content: torch.Tensor,
        content_layers: Sequence[str],
        style: PooledStyle,
        weights: tuple[float, float],
        backbone: Backbone,
        tile: int,
        generator: torch.Generator,
    ) -> None:
        super().__init__()
        self.content_layers = tuple(content_layers)
        self.targets = tiled_features(backbone, content, self.content_layers, tile)
        self.energies = torch.stack([self.targets[layer][1].pow(2).sum() for layer in self.content_layers]).clamp_min(1e-8)
        self.style = style
        self.weights = weights
        self.backbone = backbone
        self.tile = tile
        self.generator = generator
        self.name = "content+style"
        self.layers = ()

    def _tile(self, crop_image: torch.Tensor, crop: Box, inner: Box, target: Features) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Squared content error per layer (stacked) and the style statistics of one tile's inner area."""
        feats = inner_features(self.backbone(crop_image, self.content_layers + self.style.layers), crop, inner)
        errors = torch.stack([(feats[layer] - target[layer]).pow(2).sum() for layer in self.content_layers])
        return errors, self.style.statistics(feats, self.style.layers)

    def breakdown(self, image: torch.Tensor, feats: Features) -> dict[str, torch.Tensor]:
        h, w = image.shape[-2:]
        errors = torch.zeros(len(self.content_layers), device=image.device)
        stats: dict[str, torch.Tensor] = {}
        for crop, inner in context_tiles(h, w, self.tile, margin(self.tile), self.generator):
            target = _at(self.targets, inner)
            error, tile_stats = checkpoint(self._tile, _cut(image, crop), crop, inner, target, use_reentrant=False)
            errors = errors + error
            _accumulate(stats, tile_stats, _share(inner, h, w))
        content_weight, style_weight = self.weights
        content = (errors / self.energies).mean()
        return {"content": content_weight * content, "style": style_weight * self.style.loss(stats)}

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        return torch.stack(list(self.breakdown(image, feats).values())).sum()
