"""Tiled style transfer: pooled statistics are the whole image's, the tiled objective is the whole-image
objective (exactly, for a network that sees no neighbours), and a tiled stylization looks like an untiled one."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from videostyle.backbones import Backbone, Normalize, load_backbone
from videostyle.errors import OptionError
from videostyle.objectives import ContentLoss, StyleLoss
from videostyle.objectives.moments import MomentStyleLoss
from videostyle.progress import drain
from videostyle.stylize import StyleOptions, Stylizer
from videostyle.stylize.tiled import TiledStyleTransfer, pooled_statistics, tiled_features


def strided_pointwise_backbone() -> Backbone:
    """1x1 convolutions with strides 2 and 4: tiles' features are exact slices of the whole image's."""
    torch.manual_seed(0)
    layers = [("a", nn.Sequential(nn.Conv2d(3, 6, 1, stride=2), nn.Tanh())), ("b", nn.Conv2d(6, 5, 1, stride=2))]
    return Backbone("tiny", layers, Normalize((0.5,) * 3, (0.5,) * 3))


@pytest.mark.parametrize("loss", [StyleLoss, MomentStyleLoss])
def test_pooled_statistics_are_the_whole_images(loss):
    backbone = strided_pointwise_backbone()
    image = torch.rand(1, 3, 320, 448)
    whole = loss.statistics(backbone(image, ["a", "b"]), ["a", "b"])
    pooled = pooled_statistics(backbone, image, ["a", "b"], loss.statistics, tile=256)
    assert pooled.keys() == whole.keys()
    for key in whole:
        assert torch.allclose(pooled[key], whole[key], rtol=1e-4, atol=1e-6)


def test_tiled_features_are_the_whole_images():
    backbone = strided_pointwise_backbone()
    image = torch.rand(1, 3, 330, 450)
    whole = backbone(image, ["a", "b"])
    assembled = tiled_features(backbone, image, ["a", "b"], tile=256)
    assert {name: s for name, (s, _) in assembled.items()} == {"a": 2, "b": 4}
    for name, (_, f) in assembled.items():
        assert torch.allclose(f, whole[name], atol=1e-6)


def test_tiled_value_and_gradient_equal_the_whole_image_objective():
    backbone = strided_pointwise_backbone()
    content, style = torch.rand(1, 3, 320, 384), torch.rand(1, 3, 200, 200)
    style_loss = StyleLoss(StyleLoss.statistics(backbone(style, ["a", "b"]), ["a", "b"]))
    whole = ContentLoss("b", backbone(content, ["b"])["b"]) * 2.0 + style_loss * 100.0
    tiled = TiledStyleTransfer(content, ["b"], style_loss, (2.0, 100.0), backbone, 256, torch.Generator().manual_seed(0))
    assert tiled.layers == ()  # the loop hands it the image itself

    image = torch.rand(1, 3, 320, 384, requires_grad=True)
    expected = whole.breakdown(image, backbone(image, whole.layers))
    (expected_grad,) = torch.autograd.grad(sum(expected.values()), image)
    parts = tiled.breakdown(image, {})
    (grad,) = torch.autograd.grad(sum(parts.values()), image)
    assert parts.keys() == expected.keys() == {"content", "style"}
    for name in parts:
        assert torch.allclose(parts[name], expected[name], rtol=1e-4)
    assert torch.allclose(grad, expected_grad, rtol=1e-3, atol=1e-3 * expected_grad.abs().max())


@pytest.fixture(scope="module")
def lite0():
    return load_backbone("efficientnet-lite0", "cpu")


@pytest.fixture(scope="module")
def large_photo(photo):
    return F.interpolate(photo, size=(256, 384), mode="bilinear", align_corners=False)


def test_a_tiled_stylization_looks_like_the_untiled_one(large_photo, stripes, lite0):
    cpu = torch.device("cpu")
    results, styles = {}, {}
    for tile in (1024, 256):  # the image is 384 px: whole, then six tiles
        stylizer = Stylizer([stripes], StyleOptions(steps=12, tile=tile, seed=0), cpu, backbone=lite0)
        results[tile] = drain(stylizer.run(large_photo))
        loss = stylizer.style_loss(large_photo)
        styles[tile] = float(loss(None, stylizer.backbone(results[tile], loss.layers)))
    before = float(loss(None, stylizer.backbone(large_photo, loss.layers)))
    # the tiled run paints the style as much as the whole one (from the default mixed start both reach 0.43 of
    # the content's loss in these 12 steps, from the tones start under 0.4)
    assert styles[256] < 0.6 * before
    assert styles[256] < 1.3 * styles[1024]
    difference = (results[256] - results[1024]).abs().mean(1)[0]
    assert difference.mean() < 0.06
    columns, rows = difference.mean(0), difference.mean(1)
    assert columns.max() < 2.5 * columns.median() and rows.max() < 2.5 * rows.median()  # no seam line


def test_style_losses_that_need_the_whole_image_refuse_to_tile(large_photo, stripes, lite0):
    stylizer = Stylizer([stripes], StyleOptions(steps=1, tile=256, style_loss="sliced"), torch.device("cpu"), backbone=lite0)
    with pytest.raises(OptionError, match="--tile 256"):
        drain(stylizer.run(large_photo))
