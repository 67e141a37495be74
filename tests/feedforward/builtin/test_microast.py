"""MicroAST: the shipped weights load, any frame size comes back, the modulation and alpha do what they say."""

import pytest
import torch

from videostyle.errors import WeightsError
from videostyle.feedforward.builtin.microast import CODE, WEIGHTS, Residual, load_microast


@pytest.fixture(scope="module")
def network():
    return load_microast()


def test_shipped_weights_are_small_and_load(network):
    assert WEIGHTS.stat().st_size < 4 * 2**20
    assert sum(p.numel() for p in network.parameters()) == 471_987  # the authors' four files, all of it


@pytest.mark.parametrize("size", [(32, 48), (27, 41)])
def test_any_frame_size_comes_back_and_styles_differ(network, size):
    torch.manual_seed(0)
    images = torch.rand(2, 3, *size)
    codes = network.encode_style(torch.rand(2, 3, 40, 40))
    assert codes.shape == (2, CODE)
    with torch.inference_mode():
        out = network(images, codes[:1])
        other = network(images, codes[1:])
    assert out.shape == images.shape and torch.isfinite(out).all()
    assert (out - other).abs().mean() > 1e-3


def test_filter_modulation_is_weight_times_conv_plus_bias_times_input():
    torch.manual_seed(0)
    block = Residual(4).eval()
    x, w, b = torch.randn(1, 4, 8, 8), torch.randn(1, 4, 1, 1), torch.randn(1, 4, 1, 1)
    y = torch.relu(w * block.first(x) + b * x)
    torch.testing.assert_close(block(x, w, b), x + w * block.second(y) + b * y)
    torch.testing.assert_close(block(x), x + block.second(torch.relu(block.first(x))))


def test_alpha_zero_takes_the_frames_own_style():
    torch.manual_seed(0)
    images = torch.rand(1, 3, 32, 32)
    own_style = load_microast(alpha=0.0)
    full = load_microast(alpha=1.0)
    with torch.inference_mode():
        any_code = full.encode_style(torch.rand(1, 3, 32, 32))
        torch.testing.assert_close(own_style(images, any_code), full(images, full.encode_style(images)))


def test_a_damaged_weights_file_is_one_line(tmp_path):
    bad = tmp_path / "microast.safetensors"
    bad.write_bytes(b"not safetensors")
    with pytest.raises(WeightsError, match="reinstall videostyle") as info:
        load_microast(path=bad)
    assert "\n" not in str(info.value)
