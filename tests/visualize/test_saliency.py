"""Gradient, guided backprop and deconvnet on networks small enough to differentiate by hand."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from videostyle.errors import OptionError
from videostyle.objectives import Channel
from videostyle.visualize.saliency import (
    attribute,
    explain,
    gradient_image,
    heatmap,
    overlay,
    rectifier_override,
    saliency_map,
)

from .nets import conv_net, conv_pool_net, relu_mlp

X = torch.tensor([0.9, 0.1, 0.4, 0.2, 0.3, 0.8]).view(1, 3, 1, 2)


def hooks_left(net: nn.Module) -> int:
    return sum(len(m._forward_hooks) + len(m._backward_hooks) for m in net.modules())


@pytest.mark.parametrize("target", [0, 1])
def test_relu_rules_match_the_hand_derivation(target: int) -> None:
    net, w1, w2 = relu_mlp(nn.ReLU())
    pre = w1 @ X.flatten()
    active = (pre > 0).float()
    assert 0 < active.sum() < 4  # some units on, some off: the rules must differ
    upstream = w2[target]
    expected = {
        "gradient": w1.t() @ (upstream * active),
        "guided": w1.t() @ (upstream.clamp_min(0) * active),
        "deconvnet": w1.t() @ upstream.clamp_min(0),
    }
    for method, value in expected.items():
        torch.testing.assert_close(attribute(net, X, target, method).flatten(), value)
    assert not torch.allclose(expected["gradient"], expected["guided"])
    assert not torch.allclose(expected["guided"], expected["deconvnet"])
    assert hooks_left(net) == 0


def test_relu6_rules_also_stop_units_above_six() -> None:
    net, w1, w2 = relu_mlp(nn.ReLU6())
    pre = w1 @ X.flatten()
    assert pre[3] > 6  # the saturated unit
    in_range = ((pre > 0) & (pre < 6)).float()
    upstream = w2[0]
    torch.testing.assert_close(attribute(net, X, 0, "gradient").flatten(), w1.t() @ (upstream * in_range))
    torch.testing.assert_close(attribute(net, X, 0, "guided").flatten(), w1.t() @ (upstream.clamp_min(0) * in_range))
    torch.testing.assert_close(attribute(net, X, 0, "deconvnet").flatten(), w1.t() @ upstream.clamp_min(0))


def test_max_pooling_routes_every_method_through_its_switches() -> None:
    net = conv_pool_net()
    image = torch.zeros(1, 3, 2, 2)
    image[0, 0] = torch.tensor([[0.2, -0.5], [0.7, 0.1]])  # the max (0.7) is bottom-left
    image[0, 1:] = 5.0  # other colors are ignored by the 1x1 conv
    expected = torch.zeros(1, 3, 2, 2)
    expected[0, 0, 1, 0] = 2.0
    for method in ("gradient", "guided", "deconvnet"):
        torch.testing.assert_close(attribute(net, image, 0, method), expected)


def test_deconvnet_ignores_the_forward_mask_guided_does_not() -> None:
    net = conv_pool_net()
    image = torch.full((1, 3, 2, 2), -1.0)
    image[0, 0, 0, 1] = -0.2  # every unit is off; the pool's switch is the largest pre-activation
    assert attribute(net, image, 0, "gradient").abs().sum() == 0
    assert attribute(net, image, 0, "guided").abs().sum() == 0
    deconv = attribute(net, image, 0, "deconvnet")  # the rectified zeros tie: the pool picks one switch
    assert deconv.sum() == 2.0 and deconv.count_nonzero() == 1


def test_unit_targets_and_plain_gradient_agree_with_autograd() -> None:
    net, _, _ = relu_mlp(nn.ReLU())
    x = X.clone().requires_grad_(True)
    net(x, ["fc1"])["fc1"][0, 2].backward()
    got = attribute(net, X, Channel("fc1", 2), "gradient")
    torch.testing.assert_close(got, x.grad)


def test_hooks_are_removed_even_when_the_body_raises() -> None:
    net, _, _ = relu_mlp(nn.ReLU())
    with pytest.raises(RuntimeError, match="boom"):
        with rectifier_override(net, "guided") as count:
            assert count == 1 and hooks_left(net) == 1
            raise RuntimeError("boom")
    assert hooks_left(net) == 0
    with pytest.raises(OptionError):
        with rectifier_override(net, "smoothgrad"):
            pass


def test_maps_and_overlays_are_images_in_range() -> None:
    net, _, _ = relu_mlp(nn.ReLU())
    cls, out = explain(net, X)
    assert cls == int(net(X, ["logits"])["logits"].argmax())
    assert set(out) == {"gradient", "guided", "deconvnet"}
    for picture, over in out.values():
        assert picture.shape == (1, 3, 1, 2) and over.shape == (1, 3, 1, 2)
        assert picture.min() >= 0 and picture.max() <= 1 and over.min() >= 0 and over.max() <= 1
    grad = torch.randn(1, 3, 8, 8)
    values = saliency_map(grad)
    assert values.shape == (1, 1, 8, 8) and values.max() == 1.0
    torch.testing.assert_close(heatmap(torch.zeros(1, 1, 2, 2))[0, :, 0, 0], torch.tensor([0.0, 0.0, 0.02]))
    assert gradient_image(torch.zeros(1, 3, 4, 4)).eq(0.5).all()
    assert overlay(torch.ones(1, 3, 4, 4), torch.zeros(1, 1, 4, 4)).allclose(torch.full((1, 3, 4, 4), 0.4))


def test_display_smoothing_removes_the_stride_two_checkerboard() -> None:
    from videostyle.visualize.saliency import box_smooth

    ys, xs = torch.meshgrid(torch.arange(8), torch.arange(8), indexing="ij")
    checker = ((-1.0) ** (xs + ys)).expand(1, 3, 8, 8)
    smoothed = box_smooth(checker + 2.0)
    assert smoothed.shape == checker.shape
    torch.testing.assert_close(smoothed[..., :-1, :-1], torch.full((1, 3, 7, 7), 2.0))
    assert torch.equal(box_smooth(checker, 1), checker)


def test_deconvnet_depends_on_the_image_only_through_max_pooling_switches() -> None:
    torch.manual_seed(0)
    plain = conv_net(seed=1)  # convolutions, ReLUs and average pooling: no switches
    a, b = torch.rand(1, 3, 8, 8), torch.rand(1, 3, 8, 8)
    torch.testing.assert_close(attribute(plain, a, 0, "deconvnet"), attribute(plain, b, 0, "deconvnet"))
    assert not torch.allclose(attribute(plain, a, 0, "guided"), attribute(plain, b, 0, "guided"))
    pooled = conv_pool_net()  # the switch follows the brightest red pixel
    a2, b2 = torch.zeros(1, 3, 2, 2), torch.zeros(1, 3, 2, 2)
    a2[0, 0, 0, 0], b2[0, 0, 1, 1] = 1.0, 1.0
    assert not torch.allclose(attribute(pooled, a2, 0, "deconvnet"), attribute(pooled, b2, 0, "deconvnet"))
