"""The tiling of optim: tiled objectives (near-equal spans, area-weighted, exact for pointwise networks)
and tile batches (overlapping tiles cover every pixel, overlap only neighbors, and give each pixel the
mean of its tiles' steps)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from videostyle.backbones import Backbone, Normalize
from videostyle.objectives import LayerEnergy
from videostyle.optim.tiling import (
    ALIGN,
    TileBatch,
    TiledObjective,
    aligned_bounds,
    context_tiles,
    coverage,
    inner_features,
    tile_bounds,
    tile_boxes,
    tile_starts,
)


def test_tile_bounds_cover_the_length_in_near_equal_spans():
    for length, tile in [(100, 30), (64, 64), (65, 64), (1000, 512), (7, 100)]:
        spans = tile_bounds(length, tile)
        assert spans[0][0] == 0 and spans[-1][1] == length
        assert all(a1 == b0 for (_, a1), (b0, _) in zip(spans, spans[1:]))
        widths = [b - a for a, b in spans]
        assert max(widths) <= tile and max(widths) - min(widths) <= 1


def pointwise_backbone() -> Backbone:
    """1x1 convolutions see no neighbours, so a tiled mean must equal the whole-image mean exactly."""
    torch.manual_seed(0)
    return Backbone("tiny", [("a", nn.Sequential(nn.Conv2d(3, 8, 1), nn.ReLU()))], Normalize((0.5,) * 3, (0.5,) * 3))


def test_tiled_value_and_gradient_equal_the_whole_image_ones():
    backbone = pointwise_backbone()
    objective = LayerEnergy("a")
    image = torch.rand(1, 3, 37, 53, requires_grad=True)
    whole = objective(image, backbone(image, ["a"]))
    (expected,) = torch.autograd.grad(whole, image)
    tiled = TiledObjective(objective, backbone, tile=16, generator=torch.Generator().manual_seed(0))
    assert tiled.layers == ()  # the loop hands it the image itself
    value = tiled(image, {})
    (grad,) = torch.autograd.grad(value, image)
    assert torch.allclose(value, whole, atol=1e-6)
    assert torch.allclose(grad, expected, atol=1e-7)


def test_small_images_are_evaluated_in_one_piece():
    backbone = pointwise_backbone()
    image = torch.rand(1, 3, 20, 30)
    tiled = TiledObjective(LayerEnergy("a"), backbone, tile=64, generator=torch.Generator())
    assert torch.equal(tiled(image, {}), LayerEnergy("a")(image, backbone(image, ["a"])))


@pytest.mark.parametrize("length", [224, 225, 300, 448, 449, 500, 1000])
def test_starts_cover_everything_and_overlap_only_neighbors(length: int) -> None:
    tile = 224
    starts = tile_starts(length, tile)
    assert starts[0] == 0 and starts[-1] + tile == length
    counts = torch.zeros(length)
    for s in starts:
        counts[s : s + tile] += 1
    assert counts.min() >= 1 and counts.max() <= 2
    assert len(starts) == max(1, -(-length // tile))  # as few tiles as whole coverage allows


def test_small_images_are_one_tile_and_pass_through() -> None:
    assert tile_boxes(100, 80, 224) == [(0, 100, 0, 80)]
    image = torch.rand(1, 3, 100, 80)
    assert TileBatch(224)(image) is image


def test_tiles_are_crops_of_the_image() -> None:
    image = torch.rand(1, 3, 50, 70)
    batch = TileBatch(32)(image)
    boxes = tile_boxes(50, 70, 32)
    assert batch.shape == (len(boxes), 3, 32, 32)
    for tile, (y0, y1, x0, x1) in zip(batch, boxes):
        assert torch.equal(tile, image[0, :, y0:y1, x0:x1])


def batch_mean_of_sums(image: torch.Tensor, tiles: TileBatch) -> torch.Tensor:
    """An objective like the loop's: mean over the tile batch of each tile's pixel sum."""
    return tiles(image).sum(dim=(1, 2, 3)).mean()


def test_per_pixel_rates_make_every_pixel_move_by_the_same_step() -> None:
    image = torch.rand(1, 3, 50, 70, requires_grad=True)
    batch_mean_of_sums(image, TileBatch(32, pixel_rates=True)).backward()
    torch.testing.assert_close(image.grad, torch.ones_like(image))  # each covering tile says +1: mean is 1


def test_without_rates_overlaps_get_more_gradient() -> None:
    image = torch.rand(1, 3, 50, 70, requires_grad=True)
    boxes = tile_boxes(50, 70, 32)
    batch_mean_of_sums(image, TileBatch(32, pixel_rates=False)).backward()
    expected = (coverage(50, 70, boxes) / len(boxes)).expand_as(image)
    torch.testing.assert_close(image.grad, expected)
    assert coverage(50, 70, boxes).max() == 4  # corners of four tiles: the rates matter


def test_rate_is_the_mean_of_the_covering_tiles_gradients() -> None:
    weights = torch.rand(1, 3, 32, 32, generator=torch.Generator().manual_seed(1))
    tiles = TileBatch(32)
    image = torch.rand(1, 3, 40, 45, requires_grad=True)
    (tiles(image) * weights).sum(dim=(1, 2, 3)).mean().backward()
    boxes = tile_boxes(40, 45, 32)
    total, count = torch.zeros(1, 3, 40, 45), torch.zeros(1, 1, 40, 45)
    for y0, y1, x0, x1 in boxes:
        total[..., y0:y1, x0:x1] += weights
        count[..., y0:y1, x0:x1] += 1
    torch.testing.assert_close(image.grad, total / count)


@pytest.mark.parametrize("length", [100, 897, 1500, 4096, 2724])
@pytest.mark.parametrize("jitter", [False, True])
def test_aligned_bounds_cover_the_length_with_aligned_edges_and_short_spans(length: int, jitter: bool) -> None:
    generator = torch.Generator().manual_seed(length) if jitter else None
    for _ in range(5):
        spans = aligned_bounds(length, 896, generator)
        assert spans[0][0] == 0 and spans[-1][1] == length
        assert all(a1 == b0 for (_, a1), (b0, _) in zip(spans, spans[1:]))
        assert all(0 < b - a <= 896 for a, b in spans)
        assert all(b % ALIGN == 0 for _, b in spans[:-1])


@pytest.mark.parametrize("span", [128, 160, 192, 300])
def test_short_spans_never_collide(span: int) -> None:
    generator = torch.Generator().manual_seed(span)
    for length in range(span + 1, 6 * span, 7):
        spans = aligned_bounds(length, span, generator)
        assert spans[-1][1] == length and all(0 < b - a <= span for a, b in spans)


def test_jittered_bounds_move_from_call_to_call() -> None:
    generator = torch.Generator().manual_seed(0)
    layouts = {tuple(aligned_bounds(4096, 896, generator)) for _ in range(10)}
    assert len(layouts) > 5


def test_context_tiles_partition_the_image_and_stay_within_the_tile() -> None:
    generator = torch.Generator().manual_seed(1)
    tiles = context_tiles(700, 1000, 512, 64, generator)
    counts = torch.zeros(700, 1000)
    for (cy0, cy1, cx0, cx1), (y0, y1, x0, x1) in tiles:
        counts[y0:y1, x0:x1] += 1
        assert cy1 - cy0 <= 512 and cx1 - cx0 <= 512
        assert cy0 <= y0 and cy1 >= y1 and cx0 <= x0 and cx1 >= x1  # the crop holds its inner box
        assert (y0 - cy0) in (0, 64) and (cx1 - x1) in (0, 64)  # a full margin, except at the image's edges
    assert torch.equal(counts, torch.ones(700, 1000))
    assert context_tiles(300, 400, 512, 64) == [((0, 300, 0, 400), (0, 300, 0, 400))]


def strided_pointwise_backbone() -> Backbone:
    """1x1 convolutions with strides 2 and 4: no neighbours seen, so crops' features are exact slices of the whole's."""
    torch.manual_seed(0)
    layers = [("a", nn.Conv2d(3, 4, 1, stride=2)), ("b", nn.Conv2d(4, 5, 1, stride=2))]
    return Backbone("tiny", layers, Normalize((0.5,) * 3, (0.5,) * 3))


def test_inner_features_are_the_whole_images_features_at_the_inner_box() -> None:
    backbone = strided_pointwise_backbone()
    image = torch.rand(1, 3, 300, 430)
    whole = backbone(image, ["a", "b"])
    for crop, inner in context_tiles(300, 430, 192, 32, torch.Generator().manual_seed(2)):
        cut = inner_features(backbone(image[..., crop[0] : crop[1], crop[2] : crop[3]], ["a", "b"]), crop, inner)
        for name, stride in (("a", 2), ("b", 4)):
            y0, y1, x0, x1 = inner
            expected = whole[name][..., y0 // stride : -(-y1 // stride), x0 // stride : -(-x1 // stride)]
            assert torch.allclose(cut[name], expected, atol=1e-6)
