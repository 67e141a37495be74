"""Resolve the compute device once, at the boundary; everything below takes it as an argument."""

from __future__ import annotations

import torch

from .errors import OptionError


def resolve_device(name: str = "auto") -> torch.device:
    """Map 'auto' | 'cpu' | 'cuda' | 'cuda:N' | 'mps' to a usable torch.device."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        device = torch.device(name)
    except RuntimeError as exc:
        raise OptionError(f"unknown device {name!r}: use auto, cpu or cuda") from exc
    if device.type == "cuda" and not torch.cuda.is_available():
        raise OptionError("--device cuda asked for, but PyTorch sees no CUDA GPU here; use --device cpu")
    return device
