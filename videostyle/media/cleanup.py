"""Temporary files and folders that name their owner, and removal of those whose owner is gone.

Every temporary next to an output is called ``.NAME.<pid>.<random>.part...`` (a file) or
``.NAME.<pid>.<random>.part-TAG`` (a folder, e.g. the frames of ``--passes``). A run that is killed
outright cannot remove them; the next run on the same output removes every one whose process no
longer exists. Leftovers of a live process (another run writing the same output) are left alone.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


def temp_prefix(path: Path) -> str:
    """Start of the name of every temporary belonging to output ``path`` in this process."""
    return f".{path.stem}.{os.getpid()}."


def owner_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (a process of another user counts as alive)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale_temporaries(path: Path) -> list[Path]:
    """Temporaries of output ``path`` left by processes that no longer exist."""
    pattern = re.compile(rf"\.{re.escape(path.stem)}\.(\d+)\.[^.]+\.(part|probe)")
    stale = []
    with contextlib.suppress(OSError):
        for entry in path.parent.iterdir():
            match = pattern.match(entry.name)
            if match and not owner_alive(int(match.group(1))):
                stale.append(entry)
    return stale


def remove_stale(path: Path) -> list[Path]:
    """Remove what :func:`stale_temporaries` finds; returns what was removed (errors are skipped)."""
    removed = []
    for entry in stale_temporaries(path):
        try:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry)
        except OSError:
            continue
    return removed


@contextlib.contextmanager
def owned_temp_dir(output: str | os.PathLike, tag: str) -> Iterator[Path]:
    """A temporary folder next to ``output`` named for this process, removed when the block ends."""
    output = Path(output)
    remove_stale(output)
    folder = Path(tempfile.mkdtemp(prefix=temp_prefix(output), suffix=f".part-{tag}", dir=output.parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
