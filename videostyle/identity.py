"""What makes two runs the same job: the command, its options and the *content* of every file it reads.

A job's identity is recorded where its work is kept (a resumable video's work folder, the batch journal)
and compared before that work is reused, so a changed style image, input or option is never spliced
into or skipped as an old result. Files are compared cheaply: the same size and modification time
count as unchanged; when they differ the content digest decides (a file touched but not changed is
still the same); a different size is a different file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

_CHUNK = 1 << 20


def canonical(path: str | os.PathLike) -> Path:
    """One spelling per file: absolute, ``..`` and symbolic links resolved (``./x`` is ``x``)."""
    return Path(path).expanduser().resolve()


def sha256_file(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        for chunk in iter(lambda: source.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fingerprint(path: str | os.PathLike) -> dict[str, Any]:
    """Size, modification time and digest of a file, as recorded with the work made from it."""
    path = canonical(path)
    stat = path.stat()
    return {"path": str(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": sha256_file(path)}


def unchanged(recorded: Mapping[str, Any], path: str | os.PathLike | None = None) -> bool:
    """Whether the file (``path``, default the recorded one) still has the recorded content."""
    try:
        stat = Path(path if path is not None else recorded["path"]).stat()
        if stat.st_size != recorded.get("size"):
            return False
        if stat.st_mtime_ns == recorded.get("mtime_ns"):
            return True
        return sha256_file(path if path is not None else recorded["path"]) == recorded.get("sha256")
    except (OSError, KeyError, TypeError):
        return False


def describe(value: Any) -> Any:
    """``value`` as plain JSON data: dataclasses by field, paths canonical, tensors and arrays by digest."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {type(value).__name__: {f.name: describe(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, os.PathLike):
        return {"path": str(canonical(value))}
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(k): describe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [describe(v) for v in value]
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a tensor (an image given from Python)
        value = value.detach().cpu().contiguous().numpy()
    if isinstance(value, np.ndarray):
        return {"array": hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest(), "shape": list(value.shape)}
    return repr(value)


def _paths(data: Any) -> Iterable[str]:
    """The canonical paths named anywhere in ``describe``'s output."""
    if isinstance(data, dict):
        if set(data) == {"path"}:
            yield data["path"]
        for item in data.values():
            yield from _paths(item)
    elif isinstance(data, list):
        for item in data:
            yield from _paths(item)


@dataclass(frozen=True)
class JobIdentity:
    """A job as the work it makes depends on it; ``record()`` is what is stored, ``matches`` compares."""

    kind: str
    options: Any
    files: tuple[str, ...]

    @property
    def options_sha256(self) -> str:
        return hashlib.sha256(json.dumps([self.kind, self.options], sort_keys=True).encode()).hexdigest()

    def record(self) -> dict[str, Any]:
        """Stored with the work: options digest and a fingerprint of every file that exists."""
        return {
            "kind": self.kind,
            "options_sha256": self.options_sha256,
            "files": [fingerprint(f) for f in self.files if Path(f).is_file()],
        }

    def matches(self, recorded: Any) -> bool:
        """Same kind and options, and every file read has the content it had when the work was made."""
        if not isinstance(recorded, dict) or recorded.get("options_sha256") != self.options_sha256:
            return False
        stamps = recorded.get("files")
        if not isinstance(stamps, list) or not all(isinstance(s, dict) for s in stamps):
            return False
        existing = sorted(f for f in self.files if Path(f).is_file())
        if sorted(str(s.get("path")) for s in stamps) != existing:
            return False
        return all(unchanged(stamp) for stamp in stamps)


def job_identity(kind: str, *options: Any, files: Iterable[str | os.PathLike | Any] = ()) -> JobIdentity:
    """The identity of a ``kind`` job with these option objects, reading ``files`` (and every path
    named inside the options). Items of ``files`` that are not paths (images given as tensors) count
    by content, as options do; names of no file (``builtin:3``) count by their text: ``record`` keeps
    only the files that exist, so such a name would otherwise count for nothing (builtin:5 resumed
    builtin:3's segments)."""
    paths, extra = [], []
    for item in files:
        if isinstance(item, (str, os.PathLike)) and canonical(item).is_file():
            paths.append(str(canonical(item)))
        else:
            extra.append(os.fspath(item) if isinstance(item, os.PathLike) else item)
    described = describe([*options, *extra])
    return JobIdentity(kind, described, tuple(sorted({*paths, *_paths(described)})))
