"""Instance norm of fp16/bf16 channels-last activations in their own dtype and layout (CUDA inference).

Under autocast, CUDA runs ``group_norm`` in fp32, and its kernel makes the input NCHW-contiguous: in
an fp16/bf16 channels_last network every normalization layer then writes an fp32 NCHW copy of the
activation, normalizes that, and the next convolution converts it back, several full-tensor passes per
layer. Here the per-channel statistics come from two reductions that read the half values and
accumulate in fp32 (asked for an fp32 result, CUDA's reduction kernels cast as they load, without a
copy), and normalization and affine are one multiply-add with fp32 per-channel scale and shift, written
straight into a tensor of the input's dtype and memory format. The ``out=`` write records no gradient,
so this is for inference only; training keeps ``group_norm``.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

import torch

HALF = (torch.float16, torch.bfloat16)


def takes_half_norm(x: torch.Tensor) -> bool:
    """Half-precision GPU activations (CUDA; meta in tests) with no gradient to record: the inference of an fp16/bf16 network.

    Not on the CPU: there ``group_norm`` has a native bf16 channels-last kernel, and these strided
    reductions measured 20-30x slower than it (17 ms vs 0.6 ms at 32x216x384), which had made the
    norm most of a frame's time."""
    return x.device.type != "cpu" and x.dtype in HALF and not torch.is_grad_enabled()


def instance_norm_half(
    x: torch.Tensor, style: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, eps: float
) -> torch.Tensor:
    """(N, C, H, W) fp16/bf16 ``x`` normalized per image and channel, then times ``style @ weight`` plus
    ``style @ bias`` (style: (N or 1, S) mixing weights; weight, bias: (S, C) rows, one per style).

    The result has ``x``'s dtype and memory format; statistics, scale and shift are fp32.
    """
    with _without_autocast(x.device):  # autocast would promote addcmul's half input to an fp32 copy
        gamma, beta = style.float() @ weight.float(), style.float() @ bias.float()
        count = x.shape[-2] * x.shape[-1]
        mean = torch.mean(x, dim=(-2, -1), keepdim=True, dtype=torch.float32)
        power = torch.linalg.vector_norm(x, 2, dim=(-2, -1), keepdim=True, dtype=torch.float32).square_().div_(count)
        variance = (power - mean.square()).clamp_(min=0)
        scale = gamma.float()[:, :, None, None] * torch.rsqrt(variance + eps)
        shift = beta.float()[:, :, None, None] - mean * scale
        return torch.addcmul(shift, x, scale, out=torch.empty_like(x))


def _without_autocast(device: torch.device) -> AbstractContextManager[object]:
    if device.type in ("cuda", "cpu") and torch.is_autocast_enabled(device.type):
        return torch.autocast(device.type, enabled=False)
    return nullcontext()
