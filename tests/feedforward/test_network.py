import pytest
import torch

from videostyle.errors import OptionError
from videostyle.feedforward.johnson.network import ConditionalInstanceNorm, NetworkConfig, StyleNetwork, style_weights


@pytest.mark.parametrize("size", [(32, 32), (30, 22), (17, 41)])
def test_output_has_the_input_size_and_range(size):
    torch.manual_seed(0)
    net = StyleNetwork(NetworkConfig(width=0.125))
    out = net(torch.rand(2, 3, *size), style_weights(1))
    assert out.shape == (2, 3, *size)
    assert 0 <= out.min() and out.max() <= 1


def test_width_scales_the_channels():
    assert NetworkConfig(width=1.0).channels == (32, 64, 128)
    assert NetworkConfig(width=0.5).channels == (16, 32, 64)
    assert NetworkConfig(width=0.125).channels == (8, 8, 16)
    small = sum(p.numel() for p in StyleNetwork(NetworkConfig(width=0.5)).parameters())
    full = sum(p.numel() for p in StyleNetwork(NetworkConfig(width=1.0)).parameters())
    assert 3.5 < full / small < 4.5


def test_conditional_norm_is_linear_in_the_style_weights():
    torch.manual_seed(0)
    norm = ConditionalInstanceNorm(4, styles=2)
    with torch.no_grad():
        norm.weight.uniform_(0.5, 2)
        norm.bias.uniform_(-1, 1)
    x = torch.randn(1, 4, 8, 8) * 3 + 1
    a, b = norm(x, torch.tensor([[1.0, 0.0]])), norm(x, torch.tensor([[0.0, 1.0]]))
    mixed = norm(x, torch.tensor([[0.25, 0.75]]))
    torch.testing.assert_close(mixed, 0.25 * a + 0.75 * b)
    # style 0 alone: instance-normalized, then that style's own scale and shift
    reference = torch.nn.functional.instance_norm(x) * norm.weight[0].view(1, 4, 1, 1) + norm.bias[0].view(1, 4, 1, 1)
    torch.testing.assert_close(a, reference, atol=1e-5, rtol=1e-4)


def test_each_image_of_a_batch_gets_its_own_style():
    torch.manual_seed(0)
    net = StyleNetwork(NetworkConfig(styles=2, width=0.125))
    with torch.no_grad():
        for module in net.modules():
            if isinstance(module, ConditionalInstanceNorm):
                module.weight.uniform_(0.5, 1.5)
    image = torch.rand(1, 3, 24, 24)
    both = net(image.expand(2, -1, -1, -1), torch.eye(2))
    torch.testing.assert_close(both[:1], net(image, style_weights(2, index=0)))
    torch.testing.assert_close(both[1:], net(image, style_weights(2, index=1)))
    assert (both[0] - both[1]).abs().mean() > 1e-3
    halfway = net(image, style_weights(2, mix=(1, 1)))
    assert not torch.allclose(halfway, both[:1]) and not torch.allclose(halfway, both[1:])


def test_style_weights():
    assert style_weights(3).tolist() == [[1, 0, 0]]
    assert style_weights(3, index=2).tolist() == [[0, 0, 1]]
    torch.testing.assert_close(style_weights(2, mix=(3, 1)), torch.tensor([[0.75, 0.25]]))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"index": 2}, "out of range"),
        ({"index": -1}, "out of range"),
        ({"mix": (1.0,)}, "holds 2 style"),
        ({"mix": (1.0, -1.0)}, "non-negative"),
        ({"mix": (0.0, 0.0)}, "positive sum"),
        ({"mix": (float("nan"), 1.0)}, "non-negative"),
        ({"index": 0, "mix": (1.0, 1.0)}, "not both"),
    ],
)
def test_bad_style_choice_is_an_option_error(kwargs, message):
    with pytest.raises(OptionError, match=message):
        style_weights(2, **kwargs)


def test_bad_config():
    with pytest.raises(OptionError, match="width"):
        NetworkConfig(width=0.01)
    with pytest.raises(OptionError, match="styles"):
        NetworkConfig(styles=0)


def test_fused_conditional_norm_equals_the_explicit_statistics_formula():
    torch.manual_seed(1)
    norm = ConditionalInstanceNorm(6, styles=3)
    with torch.no_grad():
        norm.weight.uniform_(0.5, 2)
        norm.bias.uniform_(-1, 1)
    x = torch.randn(2, 6, 9, 13) * 4 - 2
    style = torch.tensor([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])
    var, mean = torch.var_mean(x, dim=(2, 3), keepdim=True, correction=0)
    gamma = (style @ norm.weight)[:, :, None, None]
    beta = (style @ norm.bias)[:, :, None, None]
    expected = (x - mean) * torch.rsqrt(var + norm.eps) * gamma + beta
    assert (norm(x, style) - expected).abs().max() < 1e-5
    # one row for the whole batch takes the single-kernel path: the same numbers
    assert (norm(x, style[:1]) - norm(x, style[:1].expand(2, -1))).abs().max() < 1e-5
    assert (norm(x[:1], style[:1]) - expected[:1]).abs().max() < 1e-5
