"""A job's output as the batch sees it: one file, or the frames of an image-sequence pattern.

A pattern (``out/shot/%04d.exr``) exists when any of its frames does. What the batch made is
recorded per frame (size, time, digest), so a rerun skips the job only while exactly those frames
are there unchanged; a deleted frame makes it redo the job, and the frames left are still the batch's
own (it may replace them). A frame changed or added by someone else makes the sequence theirs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..identity import fingerprint, unchanged
from ..media.sequences import frame_numbers, is_pattern


def frames_of(output: Path) -> list[Path]:
    """The files that make up ``output`` now: the file itself, or the pattern's frames on disk."""
    if is_pattern(output):
        return [Path(str(output) % number) for number in frame_numbers(output)]
    return [output] if output.exists() else []


def exists(output: Path) -> bool:
    """Something is there already (a file, or any frame of a sequence)."""
    return bool(frames_of(output))


def made(output: Path) -> dict[str, Any]:
    """The record of the output just written: a file's fingerprint, or each frame's with the total
    size and a digest over the frames' (so ``size`` and ``sha256`` mean one thing in the journal)."""
    if not is_pattern(output):
        return fingerprint(output)
    frames = [fingerprint(path) for path in frames_of(output)]
    digest = hashlib.sha256("".join(f"{Path(f['path']).name}:{f['sha256']}\n" for f in frames).encode()).hexdigest()
    return {"pattern": str(output), "frames": frames, "size": sum(f["size"] for f in frames), "sha256": digest}


def is_unchanged(recorded: Mapping[str, Any], output: Path, missing_ok: bool = False) -> bool:
    """Whether ``output`` is still what was recorded. ``missing_ok``: frames may have been deleted since
    (what is left is still the batch's own work), but none changed or added."""
    if not is_pattern(output):
        return unchanged(recorded, output)
    stamps = recorded.get("frames")
    if not isinstance(stamps, list) or not all(isinstance(s, dict) for s in stamps):
        return False
    by_path = {str(s.get("path")): s for s in stamps}
    present = [str(path.resolve()) for path in frames_of(output)]
    if not present or not all(path in by_path and unchanged(by_path[path], path) for path in present):
        return False
    return missing_ok or len(present) == len(by_path)


def written_since(output: Path, started_ns: int) -> bool:
    """Some of ``output`` was written at or after ``started_ns`` (by a job started then)."""
    try:
        return any(path.stat().st_mtime_ns >= started_ns for path in frames_of(output))
    except OSError:
        return False
