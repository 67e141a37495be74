import torch
from torch import nn

from videostyle.backbones import Backbone, Normalize
from videostyle.dream.tiling import Tiled, tile_bounds
from videostyle.objectives import LayerEnergy


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
    tiled = Tiled(objective, backbone, tile=16, generator=torch.Generator().manual_seed(0))
    assert tiled.layers == ()  # the loop hands it the image itself
    value = tiled(image, {})
    (grad,) = torch.autograd.grad(value, image)
    assert torch.allclose(value, whole, atol=1e-6)
    assert torch.allclose(grad, expected, atol=1e-7)


def test_small_images_are_evaluated_in_one_piece():
    backbone = pointwise_backbone()
    image = torch.rand(1, 3, 20, 30)
    tiled = Tiled(LayerEnergy("a"), backbone, tile=64, generator=torch.Generator())
    assert torch.equal(tiled(image, {}), LayerEnergy("a")(image, backbone(image, ["a"])))
