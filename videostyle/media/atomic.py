"""Write outputs so that nothing half-written is ever left at the destination.

The work goes to a temporary file in the destination's folder (same file system, so the final
``os.replace`` is atomic) and is renamed only when the writer finished without error.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import OutputError


def check_writable(path: str | os.PathLike, overwrite: bool) -> Path:
    """Fail early (before hours of work) if the output exists or its folder cannot be made."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise OutputError(f"{path} already exists; pass --overwrite to replace it")
    if path.is_dir():
        raise OutputError(f"{path} is a directory, not a file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create folder {path.parent}: {exc.strerror}") from exc
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path with the same suffix; move it onto ``path`` on success only."""
    path = check_writable(path, overwrite)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".part{path.suffix}", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.chmod(0o666 & ~_umask())  # mkstemp makes 0600; outputs get the user's usual permissions
    try:
        yield tmp
        if path.exists() and not overwrite:
            raise OutputError(f"{path} appeared while working; pass --overwrite to replace it")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
