"""Find pretrained weights: an explicit file first, then the local torch hub cache, then (if allowed) download.

Downloads go through torchvision's weights API; nothing here downloads when ``download`` is False,
which is what tests and offline users get, with a message saying exactly which file to put where.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch

from ..errors import WeightsError


def hub_checkpoint_path(url: str) -> Path:
    """Where torch.hub caches the file of ``url`` ($TORCH_HOME/hub/checkpoints/<file name>)."""
    return Path(torch.hub.get_dir()) / "checkpoints" / os.path.basename(url)


def load_state_dict(path: str | os.PathLike) -> dict[str, torch.Tensor]:
    """Load a state dict (.pth/.pt via weights_only torch.load, or .safetensors) with clear errors."""
    path = Path(path)
    if not path.is_file():
        raise WeightsError(f"weights file {path} does not exist")
    try:
        if path.suffix == ".safetensors":
            from safetensors.torch import load_file

            state: Any = load_file(str(path))
        else:
            state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - any failure to parse is the same user error
        raise WeightsError(f"cannot read weights file {path}: {exc.__class__.__name__}") from exc
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    if not isinstance(state, dict):
        raise WeightsError(f"weights file {path} does not hold a state dict")
    return state


def resolve_torchvision_weights(
    weights_enum: Any, name: str, explicit: str | os.PathLike | None, download: bool
) -> dict[str, torch.Tensor]:
    """State dict for a torchvision weights entry, looked up locally before any download."""
    if explicit is not None:
        return load_state_dict(explicit)
    cached = hub_checkpoint_path(weights_enum.url)
    if cached.is_file():
        return load_state_dict(cached)
    how = f"put {cached.name} from {weights_enum.url} at {cached} or pass --weights FILE"
    if not download:
        raise WeightsError(f"{name} weights are not available offline: {how}")
    try:
        return weights_enum.get_state_dict(progress=False, check_hash=True)
    except Exception as exc:  # noqa: BLE001 - URLError, HTTPError, socket errors, hash mismatch
        raise WeightsError(f"could not download {name} weights ({exc.__class__.__name__}): {how}") from exc


def load_into(model: torch.nn.Module, state: dict[str, torch.Tensor], name: str) -> None:
    """Strict load that reports a wrong file as a user error, not a 200-line traceback."""
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "mismatch"
        raise WeightsError(f"weights do not fit backbone {name}: {first}") from exc
