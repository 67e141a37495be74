"""Images larger than the network should see at once, cut into tiles: the one place tiling lives.

Three techniques need it for different reasons, so the tiles are laid out in ways that suit each, at
the point of the loop where its reason bites:

``TiledObjective`` (DeepDream on large images; memory). The loop sees one objective on the whole image
(``layers`` is empty, so the loop hands over the image itself); inside, an image larger than a tile is
cut into the fewest near-equal tiles (``tile_bounds``), each tile goes through the backbone under
activation checkpointing, and the per-tile values are averaged by area. Only one tile's activations
are alive at a time, in the forward pass and when backward recomputes them, while the gradient still
arrives as one whole-image tensor, so the step is normalized globally and flat regions stay calm. The
tile grid is rolled by a random offset at every evaluation so its seams never stay in one place. The
backbone runs in the precision it was configured with (``Backbone.configure``).

``TileBatch`` (activation maximization above the network's input size; cnn-vis's high-resolution
mode). A loop ``transform``: the image is covered with as few overlapping tiles of exactly the
network's input size as possible (``tile_boxes``, each overlapping only its neighbors), and the tiles
become a batch: the network sees all tiles at once, the objectives (batch means) average over them,
and backpropagation adds the tiles' gradients back into the image, which then takes one optimizer
step. A gradient rescaling by (number of tiles) / (tiles covering the pixel) makes each pixel's
gradient the mean of its tiles' gradients, whatever the overlap: with SGD (and Langevin sampling)
that is exactly a per-pixel learning rate. Adam and RMSProp normalize each pixel's step by its own
gradient history, so with them overlaps cannot run ahead in the first place and the rescaling
changes little.

``context_tiles`` (style transfer above the tile size; memory, with global statistics). Spans at
multiples of ``ALIGN`` pixels (so every layer's feature grid of a crop lines up with the whole image's),
each widened by a context margin that the network sees but whose features (``inner_features``) are
dropped, so that no tile border's zero padding enters a loss; with a generator the span edges move at
every call. The style objective pools its statistics over the tiles (see ``stylize.tiled``).
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


class TiledObjective(Objective):
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
        return self.inner(crop, self.backbone(crop, self.inner.layers))

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


Box = tuple[int, int, int, int]  # y0, y1, x0, x1

ALIGN = 32  # the coarsest stride of the backbones: crops starting at multiples of it share the image's feature grid


def aligned_bounds(length: int, span: int, generator: torch.Generator | None = None) -> list[tuple[int, int]]:
    """Spans of at most ``span`` (at least 4 x ``ALIGN``) covering [0, length), inner edges at multiples of ``ALIGN``.

    With a ``generator`` the inner edges move by up to an eighth of ``span`` at random (less where the
    spans are short), so that the edges of tiles evaluated step after step never stay in one place.
    """
    if span < 4 * ALIGN:
        raise ValueError(f"tile spans must be at least {4 * ALIGN} px, got {span}")
    if length <= span:
        return [(0, length)]
    reach = span // 8 if generator is not None else 0
    count = math.ceil(length / (span - 2 * reach - ALIGN))
    base = length / count  # edges k * base, moved by at most `jitter` and floored to ALIGN: spans stay in (ALIGN, span]
    jitter = min(reach, max(0, int(base - 2 * ALIGN) // 2))
    edges = [0]
    for k in range(1, count):
        shift = int(torch.randint(-jitter, jitter + 1, (1,), generator=generator)) if jitter else 0
        edges.append((round(k * base) + shift) // ALIGN * ALIGN)
    edges.append(length)
    return list(zip(edges[:-1], edges[1:]))


def context_tiles(
    height: int, width: int, tile: int, margin: int, generator: torch.Generator | None = None
) -> list[tuple[Box, Box]]:
    """(crop, inner) boxes: inner boxes partition the image; each crop adds up to ``margin`` on each side.

    An image no larger than ``tile`` is one tile without margin; otherwise crops are at most ``tile``.
    """
    if height <= tile and width <= tile:
        return [((0, height, 0, width),) * 2]
    span = tile - 2 * margin
    tiles = []
    for y0, y1 in aligned_bounds(height, span, generator):
        for x0, x1 in aligned_bounds(width, span, generator):
            crop = (max(0, y0 - margin), min(height, y1 + margin), max(0, x0 - margin), min(width, x1 + margin))
            tiles.append((crop, (y0, y1, x0, x1)))
    return tiles


def stride_of(pixels: int, positions: int) -> int:
    """A layer's stride (a power of two) from the sizes of an input (at least 64 px) and of its feature map."""
    return 2 ** round(math.log2(pixels / positions))


def inner_features(feats: dict[str, torch.Tensor], crop: Box, inner: Box) -> dict[str, torch.Tensor]:
    """Each feature map of ``crop`` cut down to the positions computed for ``inner`` (the margin dropped).

    A layer's stride is read off its size; inner edges inside the crop are at multiples of ``ALIGN``
    from the crop's start, so the cut falls between feature positions.
    """
    out = {}
    for name, f in feats.items():
        fh, fw = f.shape[-2:]
        sy, sx = stride_of(crop[1] - crop[0], fh), stride_of(crop[3] - crop[2], fw)
        top = (inner[0] - crop[0]) // sy
        bottom = fh if inner[1] == crop[1] else (inner[1] - crop[0]) // sy
        left = (inner[2] - crop[2]) // sx
        right = fw if inner[3] == crop[3] else (inner[3] - crop[2]) // sx
        out[name] = f[..., top:bottom, left:right]
    return out


def tile_starts(length: int, tile: int) -> list[int]:
    """Fewest evenly spread starts whose tiles cover [0, length), each tile overlapping only its neighbors."""
    if tile >= length:
        return [0]
    count = 2
    while True:
        starts = [round(i * (length - tile) / (count - 1)) for i in range(count)]
        gaps_ok = all(b <= a + tile for a, b in zip(starts, starts[1:]))  # no pixel left out
        thin = all(c >= a + tile for a, c in zip(starts, starts[2:]))  # no pixel in three tiles
        if gaps_ok and thin:
            return starts
        count += 1


def tile_boxes(height: int, width: int, tile: int) -> list[Box]:
    """Boxes (y0, y1, x0, x1) of size min(tile, side) covering a height x width image."""
    th, tw = min(tile, height), min(tile, width)
    return [(y, y + th, x, x + tw) for y in tile_starts(height, th) for x in tile_starts(width, tw)]


def coverage(height: int, width: int, boxes: list[Box]) -> torch.Tensor:
    """How many boxes cover each pixel, (H, W) float."""
    counts = torch.zeros(height, width)
    for y0, y1, x0, x1 in boxes:
        counts[y0:y1, x0:x1] += 1
    return counts


class _ScaleGrad(torch.autograd.Function):
    """Identity forward; multiplies the gradient by a fixed per-pixel factor."""

    @staticmethod
    def forward(ctx: torch.autograd.function.FunctionCtx, x: torch.Tensor, factor: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(factor)
        return x.view_as(x)

    @staticmethod
    def backward(ctx: torch.autograd.function.FunctionCtx, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        (factor,) = ctx.saved_tensors  # type: ignore[attr-defined]
        return grad * factor, None


class TileBatch:
    """A loop ``transform``: (1, 3, H, W) -> (T, 3, tile, tile), with per-pixel rates in the backward pass.

    Only images larger than ``tile`` on some side are cut; smaller ones pass through unchanged.
    """

    def __init__(self, tile: int, pixel_rates: bool = True) -> None:
        self.tile = tile
        self.pixel_rates = pixel_rates
        self._factors: dict[tuple[int, int, str], torch.Tensor] = {}

    def boxes(self, height: int, width: int) -> list[Box]:
        return tile_boxes(height, width, self.tile)

    def rate_factor(self, height: int, width: int, device: torch.device) -> torch.Tensor:
        """(number of tiles) / coverage: the gradient factor that makes each pixel's step a tile mean."""
        key = (height, width, str(device))
        if key not in self._factors:
            boxes = self.boxes(height, width)
            self._factors[key] = (len(boxes) / coverage(height, width, boxes)).to(device)
        return self._factors[key]

    def __call__(self, image: torch.Tensor) -> torch.Tensor:
        h, w = image.shape[-2:]
        boxes = self.boxes(h, w)
        if len(boxes) == 1:
            return image
        if self.pixel_rates:
            image = _ScaleGrad.apply(image, self.rate_factor(h, w, image.device))
        return torch.cat([image[..., y0:y1, x0:x1] for y0, y1, x0, x1 in boxes])
