"""Open a video job once for every engine: probe the source, fix the working size, make the writer."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from itertools import islice
from pathlib import Path

from ..identity import JobIdentity, job_identity
from ..media import AudioFile, Frame, ResumePoint, SegmentedVideoWriter, VideoInfo, VideoWriter, probe_video, read_frames
from ..errors import OptionError
from ..media.codecs import Encoding
from ..registry import Registry
from ..media.segments import SEGMENTED_EXTS
from ..media.sequence_writer import SequenceWriter
from ..media.sequences import find_sequence, is_pattern, is_sequence, probe_sequence, read_sequence
from .matte import ALPHA, attach_backdrop, attach_mattes, mask_is_moving
from ..media.video_writer import rebase
from .chunk import ChunkSink, until
from ..resize import fit_size
from .driver import FrameSink
from .options import OutputOptions


class JobFrames:
    """A video job's frames as an iterable the frame driver can start at any frame (``from_index``),
    so a resumed job or a chunk seeks to its first frame instead of decoding every frame before it."""

    def __init__(self, job: VideoInput) -> None:
        self.job = job

    def __iter__(self) -> Iterator[Frame]:
        return self.job.frames_from(0)

    def from_index(self, skip: int) -> Iterator[Frame]:
        return self.job.frames_from(skip)


@dataclass(frozen=True)
class VideoInput:
    """A source video with the part and size ``output`` asks for; ``total`` frames expected (or None)."""

    source: str | os.PathLike
    info: VideoInfo
    output: OutputOptions
    size: tuple[int, int]
    total: int | None

    def frames(self) -> JobFrames:
        """The job's frames with their mattes, read when iterated (a chunk's stop at its end); the
        frame driver starts them where it resumes (see :class:`JobFrames`)."""
        return JobFrames(self)

    def frames_from(self, skip: int) -> Iterator[Frame]:
        """The job's frames from its ``skip``-th on: a video file seeks there, a sequence and a
        moving mask skip theirs."""
        frames = read_source(self.source, self.output, self.info, skip)
        mask = self.output.mask
        own = replace(self.output, start_number=None)  # a mask sequence is numbered its own way
        moving = read_source(mask, own, probe_source(mask, own), skip) if mask_is_moving(mask) else None
        frames = attach_mattes(frames, mask, moving)
        if self.output.backdrop is not None:
            backdrop = find_sequence(self.output.backdrop)
            frames = attach_backdrop(frames, islice(read_sequence(backdrop, probe_sequence(backdrop)), skip, None))
        chunk = self.output.chunk
        return frames if chunk is None or chunk[1] is None else until(frames, max(0, chunk[1] - skip))

    def writer(
        self,
        target: str | os.PathLike,
        identity: JobIdentity | None = None,
        resumable: bool = True,
        audio: AudioFile | None = None,
    ) -> tuple[FrameSink, ResumePoint | None]:
        """A sink for ``target`` with the source's timing and audio (trimmed like the frames) or the
        given ``audio``, and where to resume; see :func:`open_sink`."""
        output = self.output if resumable else replace(self.output, work_dir=None)
        audio = audio or (self.source if self.info.first_number is None else None)  # a sequence has no sound
        return open_sink(target, output, like=self.info, audio_from=audio, identity=identity)

    @property
    def seconds(self) -> float | None:
        """How long the job's part of the source lasts (None: unknown)."""
        if self.info.duration is None:
            return self.output.duration
        rest = max(0.0, self.info.duration - (self.output.start or 0.0))
        return rest if self.output.duration is None else min(rest, self.output.duration)


def video_identity(kind: str, source: str | os.PathLike, output: OutputOptions, *options: object, files: Sequence[object] = ()) -> JobIdentity:
    """The identity of a video job: the engine ``kind``, its option objects, the output settings that
    shape the frames, and the content of ``source``, the mask and ``files`` (style images, models,
    guides). A sequence counts by every frame file it reads, so a frame changed, added or removed
    between two runs makes them different jobs."""
    shape = replace(output, overwrite=False, work_dir=None, chunk=None, preroll=output.preroll if output.chunk else 0,
                    fade=output.fade if output.chunk else 0)
    mask = output.mask if output.mask is not None and str(output.mask) != ALPHA else None
    read = [*_files_of(source, output.start_number), *(_files_of(mask, None) if mask is not None else [])]
    read += _files_of(output.backdrop, None) if output.backdrop is not None else []
    return job_identity(kind, shape, *options, files=[*read, *files])


def _files_of(path: str | os.PathLike, start_number: int | None) -> list[str | os.PathLike]:
    """The files an input reads: a sequence's frames (from ``start_number``), else the path itself."""
    return list(find_sequence(path, start_number).files()) if is_sequence(path) else [path]


def open_sink(
    target: str | os.PathLike,
    output: OutputOptions,
    *,
    like: VideoInfo | None = None,
    fps: Fraction | None = None,
    audio_from: str | os.PathLike | AudioFile | None = None,
    identity: JobIdentity | None = None,
) -> tuple[FrameSink, ResumePoint | None]:
    """The writer of a video job and the point to resume from (None: start at frame 0).

    With ``output.work_dir`` the output is written in resumable segments where the container allows
    it (.mp4 .mov .mkv); .webm and .gif are written in one go, like every job without a work folder.
    ``identity`` (what the frames are made from) must match the one the kept segments were made with.
    With ``output.chunk`` the sink writes that chunk's segments and the resume point of a fresh chunk
    is ``output.preroll`` frames before it (see video.chunk).
    """
    settings = dict(
        fps=fps, audio_from=audio_from, start=output.start, duration=output.duration,
        crf=output.crf, preset=output.preset, overwrite=output.overwrite,
    )
    if output.chunk is not None:
        if isinstance(audio_from, AudioFile):
            raise OptionError("a chunked job keeps its input's soundtrack; --audio FILE is not for chunks yet")
        return _chunk_sink(target, output, like, audio_from, identity)
    if is_pattern(target):
        sequence = SequenceWriter(
            target, like, fps=fps, start_number=output.start_number, overwrite=output.overwrite,
            identity=identity, display_referred=output.display_referred,
        )
        point = sequence.resume_point()
        return sequence, (point if point.frames_done else None)
    encoding = Encoding(output.codec, output.pix_fmt)
    if output.work_dir is None or Path(target).suffix.lower() not in SEGMENTED_EXTS or not encoding.default:
        return VideoWriter(target, like, encoding=encoding, **settings), None
    writer = SegmentedVideoWriter(target, output.work_dir, like, identity=identity, **settings)
    point = writer.resume_point()
    return writer, (point if point.frames_done else None)


def _chunk_sink(
    target: str | os.PathLike,
    output: OutputOptions,
    like: VideoInfo | None,
    source: str | os.PathLike | None,
    identity: JobIdentity | None,
) -> tuple[FrameSink, ResumePoint | None]:
    if output.work_dir is None or Path(target).suffix.lower() not in SEGMENTED_EXTS or like is None or source is None:
        raise OptionError("a chunk of a video job is written in segments: give a video input, --work-dir and an .mp4 .mov or .mkv output")
    writer = chunk_writer(target, output, like, source, identity)
    point = writer.resume_point()
    first = output.chunk[0] if output.chunk else 0
    if point.frames_done == first:  # nothing kept: warm up on the frames before the chunk
        point = ResumePoint(max(0, first - output.preroll))
    return ChunkSink(writer, first, point.frames_done), (point if point.frames_done else None)


def chunk_writer(
    target: str | os.PathLike,
    output: OutputOptions,
    like: VideoInfo,
    source: str | os.PathLike,
    identity: JobIdentity | None = None,
) -> SegmentedVideoWriter:
    """The writer of chunk ``output.chunk`` of the job that writes ``target`` from ``source``
    (``identity`` None: accept the segments whatever made them, as the head that joins them does)."""
    assert output.chunk is not None and output.work_dir is not None
    trimmed = output.start is not None or output.duration is not None
    return SegmentedVideoWriter(
        target, output.work_dir, like, audio_from=source, start=output.start, duration=output.duration,
        crf=output.crf, preset=output.preset, overwrite=output.overwrite, identity=identity, chunk=output.chunk,
        shift=_first_pts(source, output, like.time_base) if trimmed else None,
    )


def _first_pts(source: str | os.PathLike, output: OutputOptions, time_base: Fraction) -> int:
    """The pts of the job's first frame in ``time_base``, which a later chunk's writer never gets."""
    frames = read_frames(source, output.start, output.duration)
    try:
        return rebase(next(frames), time_base)
    finally:
        frames.close()  # type: ignore[attr-defined]


@dataclass(frozen=True)
class SourceKind:
    """How one kind of video source is described and read (a registry entry, keyed by the path's look)."""

    probe: Callable[[str | os.PathLike, OutputOptions], VideoInfo]
    read: Callable[[str | os.PathLike, OutputOptions, VideoInfo, int], Iterator[Frame]]
    """(path, output, info, skip): the frames from the ``skip``-th on."""


SOURCE_KINDS: Registry[SourceKind] = Registry("video source kind")
SOURCE_KINDS.register(
    "file",
    SourceKind(
        probe=lambda path, output: probe_video(path),
        read=lambda path, output, info, skip: read_frames(path, output.start, output.duration, skip),
    ),
)
SOURCE_KINDS.register(
    "sequence",
    SourceKind(
        probe=lambda path, output: probe_sequence(find_sequence(path, output.start_number), output.fps),
        read=lambda path, output, info, skip: islice(read_sequence(
            find_sequence(path, output.start_number), info, output.start, output.duration, output.display_referred
        ), skip, None),
    ),
)


def source_kind(path: str | os.PathLike) -> SourceKind:
    """The registry entry for ``path``: a pattern or a folder is a sequence, anything else a video file."""
    return SOURCE_KINDS["sequence" if is_sequence(path) else "file"]


def probe_source(path: str | os.PathLike, output: OutputOptions) -> VideoInfo:
    return source_kind(path).probe(path, output)


def read_source(path: str | os.PathLike, output: OutputOptions, info: VideoInfo, skip: int = 0) -> Iterator[Frame]:
    return source_kind(path).read(path, output, info, skip)


def open_video(source: str | os.PathLike, output: OutputOptions, cap: int | None = None) -> VideoInput:
    """Probe ``source``; the working size is ``output.size`` (or the source's, capped at ``cap``), even."""
    info = probe_source(source, output)
    size = fit_size(info.height, info.width, output.size, cap=cap, even=True)
    return VideoInput(source, info, output, size, info.count_frames(output.start, output.duration))
