"""Write outputs so that nothing half-written is ever left at the destination.

The work goes to a temporary file in the destination's folder (same file system, so the final
step is atomic) and is moved onto the destination only when the writer finished without error.
Without ``overwrite`` that step is a hard link, which fails if the destination appeared meanwhile
(another run writing the same file): of two concurrent writers one wins, the other gets an error.

Temporary names carry the owner's pid (``.NAME.<pid>.<random>.part.EXT``), so leftovers of a run
killed outright (kill -9, a power cut) are recognised and removed by the next run on the same
output once their owner is gone (see :mod:`.cleanup`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import OutputError, output_error
from .cleanup import remove_stale, temp_prefix


def check_writable(path: str | os.PathLike, overwrite: bool) -> Path:
    """Fail early (before hours of work) if the output exists or its folder cannot be made or written.

    Missing folders are not made here (a run that fails later would leave them behind) but when
    the output is written; the nearest existing folder is probed instead.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path} is a folder, not a file; give a file name")
    if path.exists() and not overwrite:
        raise OutputError(f"{path} already exists; pass --overwrite to replace it")
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise OutputError(f"cannot create folder {path.parent}: {folder} is a file")
    if folder == path.parent:
        remove_stale(path)
    try:  # a real probe: os.access says yes to root on a read-only mount
        fd, probe = tempfile.mkstemp(prefix=temp_prefix(path), suffix=".probe", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise output_error(exc, path) from exc
    return path


def make_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; returns the ones created, deepest first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for created in reversed(missing):
        created.mkdir(exist_ok=True)
    return missing


def remove_folders(created: list[Path]) -> None:
    """Undo :func:`make_folders` as far as the folders are still empty."""
    for folder in created:
        try:
            folder.rmdir()
        except OSError:
            return


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path with the same suffix; move it onto ``path`` on success only."""
    path = check_writable(path, overwrite)
    try:
        created = make_folders(path.parent)
    except OSError as exc:
        raise OutputError(f"cannot create folder {path.parent}: {exc.strerror}") from exc
    done = False
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(path), suffix=f".part{path.suffix}", dir=path.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            tmp.chmod(0o666 & ~_umask())  # mkstemp makes 0600; outputs get the user's usual permissions
            yield tmp
            publish(tmp, path, overwrite)
            done = True
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as exc:
        raise output_error(exc, path) from exc
    finally:
        if not done:
            remove_folders(created)


def publish(tmp: Path, path: Path, overwrite: bool) -> None:
    """Move the finished ``tmp`` onto ``path``; without ``overwrite`` never replace a file that is there."""
    if overwrite:
        if path.is_dir():
            raise OutputError(f"{path} is a folder, not a file; give a file name")
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # atomic and fails if ``path`` exists, unlike rename
    except FileExistsError as exc:
        raise OutputError(f"{path} appeared while working (another run?); pass --overwrite to replace it") from exc
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        if path.exists():  # no hard links on this file system: the best check left
            raise OutputError(f"{path} appeared while working (another run?); pass --overwrite to replace it") from exc
        os.replace(tmp, path)
        return
    tmp.unlink()


def fsync_path(path: Path) -> None:
    """Flush a file or folder to disk, so a power cut cannot leave a record pointing at lost data."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
