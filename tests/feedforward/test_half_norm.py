"""The half-precision instance norm of CUDA inference: equal to the fp32 reference, in the input's dtype and layout."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch.utils._python_dispatch import TorchDispatchMode

from videostyle.feedforward.johnson.half_norm import instance_norm_half, takes_half_norm
from videostyle.feedforward.johnson.network import ConditionalInstanceNorm


def reference(x: torch.Tensor, style: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    gamma, beta = style @ weight, style @ bias
    return F.group_norm(x.float(), x.shape[1], eps=1e-5) * gamma[:, :, None, None] + beta[:, :, None, None]


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
@pytest.mark.parametrize("rows", [1, 3])
def test_equals_group_norm_within_the_half_dtypes_rounding(dtype, rows):
    g = torch.Generator().manual_seed(0)
    # an offset mean and a large spread: the statistics must not lose them to half-precision rounding
    x = (torch.randn(3, 16, 9, 13, generator=g) * 40 + 25).to(dtype).contiguous(memory_format=torch.channels_last)
    style = torch.softmax(torch.randn(rows, 4, generator=g), dim=1)
    weight, bias = torch.randn(4, 16, generator=g), torch.randn(4, 16, generator=g)
    with torch.inference_mode():
        got = instance_norm_half(x, style, weight, bias, 1e-5)
    assert got.dtype == dtype and got.is_contiguous(memory_format=torch.channels_last)
    expected = reference(x, style, weight, bias)
    tolerance = 2 ** -7 if dtype == torch.bfloat16 else 2 ** -10  # half a unit in the last place, relative
    assert torch.allclose(got.float(), expected, rtol=tolerance, atol=tolerance * expected.abs().max().item())


def test_the_layer_takes_it_only_for_half_activations_on_a_gpu():
    x = torch.empty(2, 8, 6, 6, device="meta")  # meta stands in for CUDA
    assert takes_half_norm(x.half()) and takes_half_norm(x.bfloat16()) and not takes_half_norm(x)
    assert not takes_half_norm(torch.randn(2, 8, 6, 6).bfloat16())  # the CPU's own bf16 group_norm is far faster


@pytest.mark.parametrize("rows", [1, 3])
def test_training_through_it_matches_fp32_group_norm(rows):
    """bf16 training on CUDA normalizes here too: values and gradients (input, style rows) as fp32's."""
    g = torch.Generator().manual_seed(1)
    x = torch.randn(3, 16, 9, 13, generator=g) * 4 + 2
    style = torch.softmax(torch.randn(rows, 4, generator=g), dim=1)
    weight, bias = torch.randn(4, 16, generator=g), torch.randn(4, 16, generator=g)
    upstream = torch.randn(3, 16, 9, 13, generator=g)

    def run(norm, x):  # type: ignore[no-untyped-def]
        x, w, b = (t.clone().requires_grad_(True) for t in (x, weight, bias))
        out = norm(x, w, b)
        out.float().backward(upstream)
        return out.float(), x.grad.float(), w.grad, b.grad

    half = x.bfloat16().contiguous(memory_format=torch.channels_last)
    got = run(lambda x, w, b: instance_norm_half(x, style, w, b, 1e-5), half)
    expected = run(lambda x, w, b: reference(x, style, w, b), half.float())
    assert got[0].dtype == torch.float32 and got[1].shape == x.shape
    for ours, theirs in zip(got, expected):
        assert torch.allclose(ours, theirs, rtol=2**-6, atol=2**-6 * theirs.abs().max().item())


def test_a_half_training_step_makes_no_fp32_copy_of_the_activation():
    """On the meta device (for CUDA): forward and backward make only bf16 channels_last full-size tensors."""
    x = torch.empty(2, 32, 24, 40, device="meta", dtype=torch.bfloat16).contiguous(memory_format=torch.channels_last)
    x.requires_grad_(True)
    style = torch.empty(1, 3, device="meta")
    weight, bias = (torch.empty(3, 32, device="meta", requires_grad=True) for _ in range(2))
    watch = FullTensors(x.numel())
    with watch:
        out = instance_norm_half(x, style, weight, bias, 1e-5)
        out.backward(torch.empty_like(out))
    assert watch.made and all(dtype == torch.bfloat16 and last for _, dtype, last in watch.made), watch.made


@pytest.mark.parametrize("channels", [4, 16])  # 8 or fewer: normalized in NCHW (the CPU's fast kernel there)
@pytest.mark.parametrize("styles", [torch.tensor([[0.5, 0.5]]), torch.tensor([[0.5, 0.5], [1.0, 0.0]])])
def test_the_cpu_layer_keeps_bf16_channels_last(styles: torch.Tensor, channels: int) -> None:
    layer = ConditionalInstanceNorm(channels, 2)
    with torch.no_grad():
        layer.weight.uniform_(0.5, 1.5), layer.bias.uniform_(-0.5, 0.5)
        x = torch.randn(2, channels, 6, 6)
        out = layer(x.bfloat16().contiguous(memory_format=torch.channels_last), styles)
        exact = layer(x, styles)
    assert out.dtype == torch.bfloat16 and out.is_contiguous(memory_format=torch.channels_last)
    assert torch.allclose(out.float(), exact, atol=0.05)


class FullTensors(TorchDispatchMode):
    """Records the dtype and layout of every full-size tensor an operator makes."""

    def __init__(self, numel: int) -> None:
        super().__init__()
        self.numel, self.made = numel, []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
        out = func(*args, **(kwargs or {}))
        if isinstance(out, torch.Tensor) and out.numel() == self.numel:
            self.made.append((str(func), out.dtype, out.is_contiguous(memory_format=torch.channels_last)))
        return out


def test_no_fp32_or_nchw_copy_of_the_activation_under_autocast():
    """On the meta device (standing in for CUDA): one full-size tensor, the half channels_last output."""
    x = torch.empty(2, 32, 24, 40, device="meta", dtype=torch.bfloat16).contiguous(memory_format=torch.channels_last)
    style, weight, bias = (torch.empty(shape, device="meta") for shape in ((1, 3), (3, 32), (3, 32)))
    watch = FullTensors(x.numel())
    with torch.inference_mode(), watch:
        instance_norm_half(x, style, weight, bias, 1e-5)
    assert [(dtype, channels_last) for _, dtype, channels_last in watch.made] == [(torch.bfloat16, True)] * len(watch.made)
    assert len(watch.made) == 2, watch.made  # empty_like, then addcmul writing into it


def test_a_bf16_network_under_autocast_matches_fp32():
    from videostyle.feedforward.johnson.network import NetworkConfig, StyleNetwork

    torch.manual_seed(0)
    network = StyleNetwork(NetworkConfig(2, 0.25)).eval()
    image, style = torch.rand(2, 3, 32, 48), torch.tensor([[0.3, 0.7]])
    with torch.inference_mode():
        exact = network(image, style)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            half = network(image.contiguous(memory_format=torch.channels_last), style)
    assert half.shape == exact.shape and (half.float() - exact).abs().max() < 0.03
