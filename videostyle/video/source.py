"""Open a video job once for every engine: probe the source, fix the working size, make the writer."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

from ..identity import JobIdentity, job_identity
from ..media import Frame, ResumePoint, SegmentedVideoWriter, VideoInfo, VideoWriter, probe_video, read_frames
from ..media.segments import SEGMENTED_EXTS
from ..resize import fit_size
from .driver import FrameSink
from .options import OutputOptions


@dataclass(frozen=True)
class VideoJob:
    """A source video with the part and size ``output`` asks for; ``total`` frames expected (or None)."""

    source: str | os.PathLike
    info: VideoInfo
    output: OutputOptions
    size: tuple[int, int]
    total: int | None

    def frames(self) -> Iterator[Frame]:
        return read_frames(self.source, self.output.start, self.output.duration)

    def writer(
        self, target: str | os.PathLike, identity: JobIdentity | None = None, resumable: bool = True
    ) -> tuple[FrameSink, ResumePoint | None]:
        """A sink for ``target`` with the source's timing and audio (trimmed like the frames), and where
        to resume; see :func:`open_sink`."""
        output = self.output if resumable else replace(self.output, work_dir=None)
        return open_sink(target, output, like=self.info, audio_from=self.source, identity=identity)


def video_identity(kind: str, source: str | os.PathLike, output: OutputOptions, *options: object, files: Sequence[object] = ()) -> JobIdentity:
    """The identity of a video job: the engine ``kind``, its option objects, the output settings that
    shape the frames, and the content of ``source`` and ``files`` (style images, models, guides)."""
    return job_identity(kind, replace(output, overwrite=False, work_dir=None), *options, files=[source, *files])


def open_sink(
    target: str | os.PathLike,
    output: OutputOptions,
    *,
    like: VideoInfo | None = None,
    fps: Fraction | None = None,
    audio_from: str | os.PathLike | None = None,
    identity: JobIdentity | None = None,
) -> tuple[FrameSink, ResumePoint | None]:
    """The writer of a video job and the point to resume from (None: start at frame 0).

    With ``output.work_dir`` the output is written in resumable segments where the container allows
    it (.mp4 .mov .mkv); .webm and .gif are written in one go, like every job without a work folder.
    ``identity`` (what the frames are made from) must match the one the kept segments were made with.
    """
    settings = dict(
        fps=fps, audio_from=audio_from, start=output.start, duration=output.duration,
        crf=output.crf, preset=output.preset, overwrite=output.overwrite,
    )
    if output.work_dir is None or Path(target).suffix.lower() not in SEGMENTED_EXTS:
        return VideoWriter(target, like, **settings), None
    writer = SegmentedVideoWriter(target, output.work_dir, like, identity=identity, **settings)
    point = writer.resume_point()
    return writer, (point if point.frames_done else None)


def open_video(source: str | os.PathLike, output: OutputOptions, cap: int | None = None) -> VideoJob:
    """Probe ``source``; the working size is ``output.size`` (or the source's, capped at ``cap``), even."""
    info = probe_video(source)
    size = fit_size(info.height, info.width, output.size, cap=cap, even=True)
    return VideoJob(source, info, output, size, info.count_frames(output.start, output.duration))
