"""The ported architectures: shapes at any size, the vector-as-conditional-norm trick, TF 'SAME' padding."""

import pytest
import torch

from videostyle.feedforward.builtin.magenta import (
    STYLE_VECTOR, ArbitraryNetwork, SameConv, StylePredictor, arbitrary_network, multistyle_network, with_bias_term,
)


def _randomize(module: torch.nn.Module) -> torch.nn.Module:
    torch.manual_seed(0)
    with torch.no_grad():
        for p in module.parameters():
            p.uniform_(-0.2, 0.2)
    return module.eval()


@pytest.mark.parametrize("size", [(32, 32), (30, 22), (17, 41)])
def test_both_transformers_keep_any_input_size(size):
    image = torch.rand(2, 3, *size)
    out = _randomize(multistyle_network())(image, torch.full((1, 26), 1 / 26))
    assert out.shape == image.shape and 0 <= out.min() and out.max() <= 1
    out = _randomize(arbitrary_network())(image, with_bias_term(torch.randn(2, STYLE_VECTOR)))
    assert out.shape == image.shape


def test_style_vector_maps_to_norm_parameters_affinely():
    """[v, 1] @ [W; b] = W v + b, so norm parameters are affine in v and blends of vectors stay exact."""
    layer = _randomize(arbitrary_network()).residual[0].first.norm
    v = torch.randn(1, STYLE_VECTOR)
    gamma = with_bias_term(v) @ layer.weight
    torch.testing.assert_close(gamma, v @ layer.weight[:-1] + layer.weight[-1])


def test_same_conv_pads_like_tensorflow():
    """Stride 2 on an even size: TF 'SAME' puts the one extra pixel at the bottom/right only."""
    conv = SameConv(1, 1, 3, 2, bias=False)
    with torch.no_grad():
        conv.weight.fill_(1.0)
    x = torch.ones(1, 1, 4, 4)
    out = conv(x)
    assert out.shape == (1, 1, 2, 2)
    assert out[0, 0].tolist() == [[9.0, 6.0], [6.0, 4.0]]  # top-left windows are full, bottom/right ones padded


def test_alpha_zero_uses_each_images_own_style_vector():
    net = ArbitraryNetwork(_randomize(StylePredictor()), _randomize(arbitrary_network()), alpha=0.0)
    images = torch.rand(1, 3, 40, 48)
    with torch.inference_mode():
        own = net.transformer(images, with_bias_term(net.encode_style(images)))
        assert torch.equal(net(images, torch.randn(1, STYLE_VECTOR) * 5), own)


def test_a_bf16_engine_runs_in_bf16_and_encodes_style_images_in_fp32():
    """On the CPU a bf16 engine casts a copy of the network (not the caller's) and encodes keyframe styles with fp32."""
    from videostyle.feedforward.inference import FrameStylizer, InferenceOptions

    network = ArbitraryNetwork(_randomize(StylePredictor()), _randomize(arbitrary_network()))
    style = network.encode_style(torch.rand(1, 3, 40, 40))
    engine = FrameStylizer(network, style, torch.device("cpu"), InferenceOptions(precision="bf16"))
    assert next(engine.network.parameters()).dtype == torch.bfloat16 and next(network.parameters()).dtype == torch.float32
    image = torch.rand(1, 3, 36, 36)
    assert engine.encode_style is not None and torch.equal(engine.encode_style(image), network.encode_style(image))
    out = engine.images(torch.rand(2, 3, 24, 28))
    assert out.dtype == torch.float32 and out.shape == (2, 3, 24, 28) and torch.isfinite(out).all()
