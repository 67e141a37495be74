"""Resolve the compute device once, at the boundary; everything below takes it as an argument."""

from __future__ import annotations

import re

import torch

from .errors import OptionError

_ACCEPTED = "use auto, cpu, cuda or cuda:N"


def resolve_device(name: str = "auto") -> torch.device:
    """Map 'auto' | 'cpu' | 'cuda' | 'cuda:N' to a usable torch.device; anything else is refused up front.

    Other PyTorch devices (mps, meta, xpu, ...) are refused: the engines are tested on CPU and CUDA only,
    and 'meta' tensors hold no data at all.
    """
    name = name.strip().lower()
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cpu":
        return torch.device("cpu")
    match = re.fullmatch(r"cuda(?::(\d+))?", name)
    if match is None:
        raise OptionError(f"--device {name!r} is not supported; {_ACCEPTED}")
    if not torch.cuda.is_available():
        raise OptionError(f"--device {name} asked for, but PyTorch sees no CUDA GPU here; use --device cpu")
    index = int(match.group(1)) if match.group(1) is not None else None
    if index is not None and index >= torch.cuda.device_count():
        raise OptionError(f"--device {name}: there are only {torch.cuda.device_count()} CUDA GPUs (cuda:0 ...)")
    return torch.device(name)


def generator_on(device: torch.device, source: torch.Generator | None) -> torch.Generator | None:
    """A generator that draws on ``device`` itself, seeded from ``source`` (a CPU generator).

    Drawing on the host and copying to a GPU is a blocking copy per draw; a CUDA generator needs
    none. On the CPU (and on the meta device, which draws nothing) ``source`` is used as it is.
    """
    if source is None or device.type in ("cpu", "meta") or source.device.type == device.type:
        return source
    seed = int(torch.randint(2**62, (), generator=source))  # a CPU draw: no device sync
    return torch.Generator(device=device).manual_seed(seed)
