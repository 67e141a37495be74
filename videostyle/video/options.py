"""How and where a job's results are written: one set of output options for every engine."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import ClassVar

from ..errors import OptionError
from ..names import CODEC_NAMES, DEFAULT_X264_PRESET
from ..spec import Media, Spec, check, option

DEFAULT_PREROLL = 16
"""Frames a chunk runs before its first frame (see bench/bench_seams.py for the measured choice)."""


def parse_fps(text: str) -> Fraction:
    """'30' or '30000/1001' -> a frame rate in (0, 1000]."""
    try:
        fps = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise OptionError(f"--fps must be a number or a ratio like 30000/1001, not {text!r}") from None
    if not 0 < fps <= 1000:
        raise OptionError(f"--fps {text} is out of range (0, 1000]")
    return fps


FPS = Spec(
    "Frame rate of a zoom loop or of an image-sequence input, e.g. 30 or 30000/1001 (default 30 for a zoom loop, "
    "24 for a sequence).", text=parse_fps,
)


def parse_chunk(text: str) -> tuple[int, int | None]:
    """``'150:300'`` -> (150, 300); ``'150:'`` -> (150, None)."""
    first, sep, end = text.partition(":")
    try:
        chunk = (int(first), int(end) if end else None)
    except ValueError:
        chunk = (-1, None)
    if not sep or chunk[0] < 0 or (chunk[1] is not None and chunk[1] <= chunk[0]):
        raise OptionError(f"--chunk takes FIRST:END frame numbers, like 150:300 or 150:, not {text!r}")
    return chunk


@dataclass(frozen=True)
class OutputOptions:
    """Long side ``size`` in pixels (None: the engine's default), ``overwrite``, the part of a video to
    process (``start``, ``duration`` in seconds) and the H.264 ``crf`` and x264 ``preset``.

    ``work_dir`` makes a video job resumable: its output is written in segments in that folder, and a
    rerun with the same folder continues after the last finished segment (see media.segments).

    ``chunk`` = (first, end) renders only frames [first, end) of the job (end None: to the last frame)
    into the work folder, for a head process to join (see batch.chunks); ``preroll`` frames before
    ``first`` are computed, not written, to build the temporal state the chunk starts from; ``fade``
    > 0 cross-fades the chunk's last frames into the next chunk's warm-up (see video.crossfade).

    Image sequences (see media.sequences): ``fps`` is an input sequence's frame rate (default 24);
    ``start_number`` the first frame number read from an input sequence, or given to an output
    sequence made from a video (default 1); ``display_referred`` says EXR frames hold sRGB already
    instead of scene-linear light. ``mask`` (an image, a sequence, a video, or ``"alpha"`` for the
    input's own alpha) limits the result to the matte's white; grey blends (see video.matte).
    ``backdrop`` (library only: see video.backdrop) replaces the input where the matte is black.
    ``codec`` and ``pix_fmt`` pick the encoder (media.codecs: ProRes, 10-bit, 4:4:4); any but the
    default H.264 4:2:0 is written in one go, not in resumable segments.
    """

    size: int | None = option(None, "Working and output long side in pixels (even for video).", lo=16, hi=8192)
    overwrite: bool = option(False, "Replace an existing output file.", flag="--overwrite")
    start: float | None = option(None, "Video: start time in seconds.", lo=0, media="video-in")
    duration: float | None = option(None, "Video: seconds to process.", lo=0, media="video-in")
    crf: int = option(18, "H.264 quality (lower is better).", lo=0, hi=51, media="video-out")
    preset: str = option(
        DEFAULT_X264_PRESET, "x264 preset, ultrafast..veryslow (faster: the quality of medium for less CPU).", media="video-out"
    )
    work_dir: Path | None = option(
        None, "Video: write the output in resumable segments in a private folder inside DIR; a rerun with the same "
        "DIR continues after the last intact segment made from the same input, styles and options (.mp4 .mov .mkv).",
        media="video-out", metavar="DIR",
    )
    chunk: tuple[int, int | None] | None = option(
        None, "FIRST:END frames of the job (a worker of --workers).", text=parse_chunk, hidden=True, media="video-out"
    )
    preroll: int = option(
        DEFAULT_PREROLL, "Video, --workers: frames run before each chunk to build its temporal state, then dropped.",
        lo=0, hi=10_000, media="video-out",
    )
    fade: int = option(
        0, "Video, --chunk: cross-fade the last N frames into the next chunk's warm-up (the head sets it).",
        lo=0, hi=10_000, hidden=True, media="video-out",
    )
    fps: Fraction | None = option(None, spec=FPS)
    start_number: int | None = option(
        None, "Sequence: first frame number to read (input) or to write (output from a video; default 1).", lo=0,
        media="video-any",
    )
    display_referred: bool = option(
        False, "EXR sequences hold sRGB already (default: scene-linear, converted for the network and back).",
        flag="--display-referred", media="video-any",
    )
    mask: str | None = option(
        None, "Stylize only where the matte is white (black keeps the input, grey blends): an image, a sequence or a "
        "video moved with the frames, or 'alpha' for the input's own alpha; stills take an image or 'alpha'.",
        metavar="FILE|alpha",
    )
    codec: str = option(
        "h264", "Video encoder: h264, h265, prores (422 HQ, .mov), prores4444 (.mov, keeps alpha).", choices=CODEC_NAMES,
        media="video-out",
    )
    pix_fmt: str | None = option(
        None, "Video pixel format, e.g. yuv420p10le (10-bit), yuv444p (no chroma subsampling); default: the codec's.",
        media="video-out",
    )
    backdrop: str | None = option(
        None, "An image sequence, frame for frame with the input, that the mask's black keeps instead of the input.",
        cli=False,
    )

    def __post_init__(self) -> None:
        check(self)


@dataclass(frozen=True)
class SplitOptions:
    """One video rendered as chunks at once: ``workers`` processes on this machine, one per GPU of ``gpus``, or
    tasks on a Ray cluster (``executor``, ``ray_address``); see batch.chunks."""

    MEDIA: ClassVar[Media] = "video-out"

    workers: int = option(1, "Video: render in this many chunks at once, one process each (see --preroll).", lo=1, hi=256)
    gpus: int = option(0, "Video: one chunk per GPU on this many GPUs.", lo=0, hi=256)
    executor: str = option("local", "local: this machine; ray: a Ray cluster.", choices=("local", "ray"))
    ray_address: str | None = option(None, "ray: auto or HOST:PORT of the head (default: start a local Ray).")

    def __post_init__(self) -> None:
        check(self)

    def wanted(self, chunk: tuple[int, int | None] | None) -> bool:
        """This run is the head of a chunked render (a chunk worker, given its ``chunk``, never is)."""
        return chunk is None and (self.workers > 1 or self.gpus > 0 or self.executor == "ray")


@dataclass(frozen=True)
class BackgroundOptions:
    """``style_bg``: the style image of the mask's black (the foreground keeps -s / --style)."""

    style_bg: Path | None = option(
        None, "A second style image for where --mask is black (-s styles the white): each side looks like its own "
        "single-style render (optimization and any-style networks).", metavar="FILE",
    )

    def __post_init__(self) -> None:
        check(self)

    def check_with(self, output: OutputOptions) -> None:
        """A background needs a mask to tell it from the foreground."""
        if self.style_bg is not None and output.mask is None:
            raise OptionError("--style-bg styles where --mask is black: give --mask FILE|alpha too")
