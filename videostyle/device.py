"""Resolve the compute device once, at the boundary; everything below takes it as an argument."""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import torch

from .errors import OptionError, VideostyleWarning

_ACCEPTED = "use auto, cpu, cuda or cuda:N"


def as_device(device: torch.device | str = "auto") -> torch.device:
    """A library entry point's ``device``: a torch.device as given, a name ('auto', 'cpu', 'cuda:1') resolved
    as the command line does, so Python callers get the GPU by default too."""
    return device if isinstance(device, torch.device) else resolve_device(device)


def resolve_device(name: str = "auto") -> torch.device:
    """Map 'auto' | 'cpu' | 'cuda' | 'cuda:N' to a usable torch.device; anything else is refused up front.

    Other PyTorch devices (mps, meta, xpu, ...) are refused: the engines are tested on CPU and CUDA only,
    and 'meta' tensors hold no data at all.
    """
    name = name.strip().lower()
    if name == "auto":
        if torch.cuda.is_available():
            return _cuda(torch.device("cuda"))
        reason = cuda_unusable()
        if reason is not None:  # a GPU machine running on its CPU is a mistake worth one line
            warnings.warn(VideostyleWarning(f"--device auto runs on the CPU: this machine has an NVIDIA GPU, but {reason}"), stacklevel=2)
        return torch.device("cpu")
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
    return _cuda(torch.device(name))


def _cuda(device: torch.device) -> torch.device:
    """A CUDA device, with cuDNN's autotuner on: every engine runs the same shapes frame after frame."""
    torch.backends.cudnn.benchmark = True
    return device


def generator_on(device: torch.device, source: torch.Generator | None) -> torch.Generator | None:
    """A generator that draws on ``device`` itself, seeded from ``source`` (a CPU generator).

    Drawing on the host and copying to a GPU is a blocking copy per draw; a CUDA generator needs
    none. On the CPU (and on the meta device, which draws nothing) ``source`` is used as it is.
    """
    if source is None or device.type in ("cpu", "meta") or source.device.type == device.type:
        return source
    seed = int(torch.randint(2**62, (), generator=source))  # a CPU draw: no device sync
    return torch.Generator(device=device).manual_seed(seed)


def nvidia_gpu_present() -> bool:
    """Whether the machine has an NVIDIA GPU with its kernel driver loaded (whatever PyTorch makes of it)."""
    return Path("/proc/driver/nvidia/version").exists() or any(Path("/dev").glob("nvidia[0-9]*"))


def cuda_unusable() -> str | None:
    """Why PyTorch cannot use the machine's NVIDIA GPU (an old driver, a CPU-only build, a hidden GPU),
    or None when there is no such GPU or CUDA works."""
    if not nvidia_gpu_present():
        return None
    if torch.version.cuda is None:
        return f"this PyTorch ({torch.__version__}) is built without CUDA"
    if os.environ.get("CUDA_VISIBLE_DEVICES", None) in ("", "-1"):
        return "CUDA_VISIBLE_DEVICES hides every GPU from this process"
    with warnings.catch_warnings(record=True) as caught:  # torch says why in a UserWarning
        warnings.simplefilter("always")
        if torch.cuda.is_available():
            return None
    said = next((str(w.message).strip().splitlines()[0] for w in caught if str(w.message).strip()), "")
    return f"PyTorch cannot initialize CUDA ({said})" if said else "PyTorch cannot initialize CUDA (check the NVIDIA driver)"
