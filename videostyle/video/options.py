"""How and where a job's results are written: one set of output options for every engine."""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction

DEFAULT_PREROLL = 8
"""Frames a chunk runs before its first frame (see bench/bench_seams.py for the measured choice)."""


@dataclass(frozen=True)
class OutputOptions:
    """Long side ``size`` in pixels (None: the engine's default), ``overwrite``, the part of a video to
    process (``start``, ``duration`` in seconds) and the H.264 ``crf`` and x264 ``preset``.

    ``work_dir`` makes a video job resumable: its output is written in segments in that folder, and a
    rerun with the same folder continues after the last finished segment (see media.segments).

    ``chunk`` = (first, end) renders only frames [first, end) of the job (end None: to the last frame)
    into the work folder, for a head process to join (see batch.chunks); ``preroll`` frames before
    ``first`` are computed, not written, to build the temporal state the chunk starts from.

    Image sequences (see media.sequences): ``fps`` is an input sequence's frame rate (default 24);
    ``start_number`` the first frame number read from an input sequence, or given to an output
    sequence made from a video (default 1); ``display_referred`` says EXR frames hold sRGB already
    instead of scene-linear light. ``mask`` (an image, a sequence, a video, or ``"alpha"`` for the
    input's own alpha) limits the result to the matte's white; grey blends (see video.matte).
    ``codec`` and ``pix_fmt`` pick the encoder (media.codecs: ProRes, 10-bit, 4:4:4); any but the
    default H.264 4:2:0 is written in one go, not in resumable segments.
    """

    size: int | None = None
    overwrite: bool = False
    start: float | None = None
    duration: float | None = None
    crf: int = 18
    preset: str = "medium"
    work_dir: str | os.PathLike | None = None
    chunk: tuple[int, int | None] | None = None
    preroll: int = DEFAULT_PREROLL
    fps: Fraction | None = None
    start_number: int | None = None
    display_referred: bool = False
    mask: str | os.PathLike | None = None
    codec: str = "h264"
    pix_fmt: str | None = None
