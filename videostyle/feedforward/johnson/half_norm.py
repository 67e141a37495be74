"""Instance norm of fp16/bf16 channels-last activations in their own dtype and layout (CUDA inference).

Under autocast, CUDA runs ``group_norm`` in fp32, and its kernel makes the input NCHW-contiguous: in
an fp16/bf16 channels_last network every normalization layer then writes an fp32 NCHW copy of the
activation, normalizes that, and the next convolution converts it back, several full-tensor passes per
layer. Here the per-channel statistics come from two reductions that read the half values and
accumulate in fp32 (asked for an fp32 result, CUDA's reduction kernels cast as they load, without a
copy), and normalization and affine are one multiply-add with fp32 per-channel scale and shift, written
straight into a tensor of the input's dtype and memory format. The ``out=`` write records no gradient:
training (bf16 on CUDA) takes ``HalfInstanceNorm``, the same forward with its backward written out in
the same manner (fp32 per-channel sums of half tensors, half-precision full-size results).
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

import torch

HALF = (torch.float16, torch.bfloat16)


def takes_half_norm(x: torch.Tensor) -> bool:
    """Half-precision GPU activations (CUDA; meta in tests): an fp16/bf16 network's, in inference or training.

    Not on the CPU: there ``group_norm`` has a native bf16 channels-last kernel, and these strided
    reductions measured 20-30x slower than it (17 ms vs 0.6 ms at 32x216x384), which had made the
    norm most of a frame's time."""
    return x.device.type != "cpu" and x.dtype in HALF


def instance_norm_half(
    x: torch.Tensor, style: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, eps: float
) -> torch.Tensor:
    """(N, C, H, W) fp16/bf16 ``x`` normalized per image and channel, then times ``style @ weight`` plus
    ``style @ bias`` (style: (N or 1, S) mixing weights; weight, bias: (S, C) rows, one per style).

    The result has ``x``'s dtype and memory format; statistics, scale and shift are fp32. Where a
    gradient is recorded it goes through ``HalfInstanceNorm``.
    """
    with _without_autocast(x.device):  # autocast would promote addcmul's half input to an fp32 copy
        gamma, beta = style.float() @ weight.float(), style.float() @ bias.float()
        if torch.is_grad_enabled() and (x.requires_grad or gamma.requires_grad or beta.requires_grad):
            return HalfInstanceNorm.apply(x, gamma, beta, eps)
        mean, rstd = _statistics(x, eps)
        return _affine(x, gamma[:, :, None, None] * rstd, beta[:, :, None, None] - mean * gamma[:, :, None, None] * rstd)


def _statistics(x: torch.Tensor, eps: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Per image and channel mean and 1/std of half ``x``, (N, C, 1, 1) fp32, from fp32-accumulating reductions."""
    count = x.shape[-2] * x.shape[-1]
    mean = torch.mean(x, dim=(-2, -1), keepdim=True, dtype=torch.float32)
    power = torch.linalg.vector_norm(x, 2, dim=(-2, -1), keepdim=True, dtype=torch.float32).square_().div_(count)
    return mean, torch.rsqrt((power - mean.square()).clamp_(min=0) + eps)


def _affine(x: torch.Tensor, scale: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
    """``x * scale + shift`` computed in fp32 per element, written in ``x``'s dtype and memory format."""
    return torch.addcmul(shift, x, scale, out=torch.empty_like(x))


def _sums(a: torch.Tensor) -> torch.Tensor:
    return torch.sum(a, dim=(-2, -1), keepdim=True, dtype=torch.float32)


class HalfInstanceNorm(torch.autograd.Function):
    """``gamma * (x - mean) / std + beta`` of half ``x`` with fp32 ``gamma``, ``beta`` (N or 1, C): the
    inference kernel's forward, and a backward of the same kind (half full-size tensors, fp32 sums):
    dx = gamma/std * (g - mean(g) - x̂ mean(g x̂)), dgamma = Σ g x̂, dbeta = Σ g, with x̂ the normalized x."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor, eps: float) -> torch.Tensor:  # type: ignore[no-untyped-def, override]
        mean, rstd = _statistics(x, eps)
        ctx.save_for_backward(x, gamma, mean, rstd)
        ctx.rows = gamma.shape[0]
        scale = gamma[:, :, None, None] * rstd
        return _affine(x, scale, beta[:, :, None, None] - mean * scale)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, None]:  # type: ignore[no-untyped-def, override]
        x, gamma, mean, rstd = ctx.saved_tensors
        count = x.shape[-2] * x.shape[-1]
        normalized = _affine(x, rstd, -mean * rstd)
        sum_g = _sums(grad)
        sum_gx = _sums(grad * normalized)
        a = gamma[:, :, None, None] * rstd
        dx = _affine(grad, a, -a * sum_g / count)
        dx.addcmul_(normalized, -a * sum_gx / count)
        dgamma, dbeta = sum_gx[..., 0, 0], sum_g[..., 0, 0]
        if ctx.rows == 1:  # one row shared by every image
            dgamma, dbeta = dgamma.sum(0, keepdim=True), dbeta.sum(0, keepdim=True)
        return dx, dgamma, dbeta, None


def _without_autocast(device: torch.device) -> AbstractContextManager[object]:
    if device.type in ("cuda", "cpu") and torch.is_autocast_enabled(device.type):
        return torch.autocast(device.type, enabled=False)
    return nullcontext()
