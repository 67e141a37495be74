"""How and where a job's results are written: one set of output options for every engine."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class OutputOptions:
    """Long side ``size`` in pixels (None: the engine's default), ``overwrite``, the part of a video to
    process (``start``, ``duration`` in seconds) and the H.264 ``crf`` and x264 ``preset``.

    ``work_dir`` makes a video job resumable: its output is written in segments in that folder, and a
    rerun with the same folder continues after the last finished segment (see media.segments).
    """

    size: int | None = None
    overwrite: bool = False
    start: float | None = None
    duration: float | None = None
    crf: int = 18
    preset: str = "medium"
    work_dir: str | os.PathLike | None = None
