"""The floating-point type the networks compute in (``--precision``), chosen once per run.

Only the networks' forward passes run in half precision, under autocast; what they hand back is cast
to fp32 at once, so Gram matrices, losses, optimizer states and images never see fp16 or bf16. Half
precision where gradients flow back through the network (stylize and dream by optimization, training)
means bf16 only: fp16's narrow range lets those small gradients underflow without loss scaling, while
bf16 has fp32's range. Inference (``stylize --model``) may use fp16 on GPUs without bf16.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

import torch

from .errors import OptionError

from .names import GRADIENT_PRECISIONS, PRECISIONS
DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}


def check_precision(precision: str, gradients: bool) -> None:
    """A one-line OptionError for an unknown name, or fp16 where gradients flow through the network."""
    allowed = GRADIENT_PRECISIONS if gradients else PRECISIONS
    if precision not in allowed:
        hint = "; fp16 is for stylize --model (gradients underflow in fp16): use bf16" if precision == "fp16" else ""
        raise OptionError(f"--precision must be one of {', '.join(allowed)}, not {precision!r}{hint}")


def cpu_has_bf16_units() -> bool:
    """Whether the CPU multiplies bf16 matrices in hardware (Intel AMX): there bf16 autocast ran the
    built-in networks 1.3-1.6x faster and moved pixels by under 1/255 on average (2.7/255 for
    MicroAST); elsewhere bf16 is emulated and slower than fp32."""
    probe = getattr(torch.cpu, "_is_amx_tile_supported", None)
    return bool(probe and probe())


def compute_dtype(precision: str, device: torch.device, gradients: bool) -> torch.dtype:
    """auto: bf16 on a CUDA GPU that has it (compute capability 8 and later), else fp16 for inference only
    on CUDA; for inference on a CPU with bf16 matrix units bf16, else fp32. A named precision is taken as
    asked (bf16 autocast runs on any CPU, slowly without those units)."""
    check_precision(precision, gradients)
    if precision != "auto":
        return DTYPES[precision]
    if device.type != "cuda":
        return torch.bfloat16 if device.type == "cpu" and not gradients and cpu_has_bf16_units() else torch.float32
    if torch.cuda.get_device_capability(device)[0] >= 8:
        return torch.bfloat16
    return torch.float32 if gradients else torch.float16


def autocast(device: torch.device, dtype: torch.dtype) -> AbstractContextManager[object]:
    """Autocast to ``dtype`` on ``device``; nothing at all for fp32 (autocast's bookkeeping costs time too)."""
    if dtype == torch.float32:
        return nullcontext()
    return torch.autocast(device.type, dtype=dtype)
