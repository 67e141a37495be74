"""Overlapping tiles cover every pixel, overlap only neighbors, and give each pixel the mean of its tiles' steps."""

from __future__ import annotations

import pytest
import torch

from videostyle.visualize.tiling import Tiles, coverage, tile_boxes, tile_starts


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
    assert Tiles(224)(image) is image


def test_tiles_are_crops_of_the_image() -> None:
    image = torch.rand(1, 3, 50, 70)
    batch = Tiles(32)(image)
    boxes = tile_boxes(50, 70, 32)
    assert batch.shape == (len(boxes), 3, 32, 32)
    for tile, (y0, y1, x0, x1) in zip(batch, boxes):
        assert torch.equal(tile, image[0, :, y0:y1, x0:x1])


def batch_mean_of_sums(image: torch.Tensor, tiles: Tiles) -> torch.Tensor:
    """An objective like the loop's: mean over the tile batch of each tile's pixel sum."""
    return tiles(image).sum(dim=(1, 2, 3)).mean()


def test_per_pixel_rates_make_every_pixel_move_by_the_same_step() -> None:
    image = torch.rand(1, 3, 50, 70, requires_grad=True)
    batch_mean_of_sums(image, Tiles(32, pixel_rates=True)).backward()
    torch.testing.assert_close(image.grad, torch.ones_like(image))  # each covering tile says +1: mean is 1


def test_without_rates_overlaps_get_more_gradient() -> None:
    image = torch.rand(1, 3, 50, 70, requires_grad=True)
    boxes = tile_boxes(50, 70, 32)
    batch_mean_of_sums(image, Tiles(32, pixel_rates=False)).backward()
    expected = (coverage(50, 70, boxes) / len(boxes)).expand_as(image)
    torch.testing.assert_close(image.grad, expected)
    assert coverage(50, 70, boxes).max() == 4  # corners of four tiles: the rates matter


def test_rate_is_the_mean_of_the_covering_tiles_gradients() -> None:
    weights = torch.rand(1, 3, 32, 32, generator=torch.Generator().manual_seed(1))
    tiles = Tiles(32)
    image = torch.rand(1, 3, 40, 45, requires_grad=True)
    (tiles(image) * weights).sum(dim=(1, 2, 3)).mean().backward()
    boxes = tile_boxes(40, 45, 32)
    total, count = torch.zeros(1, 3, 40, 45), torch.zeros(1, 1, 40, 45)
    for y0, y1, x0, x1 in boxes:
        total[..., y0:y1, x0:x1] += weights
        count[..., y0:y1, x0:x1] += 1
    torch.testing.assert_close(image.grad, total / count)
