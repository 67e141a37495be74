"""Open a video job once for every engine: probe the source, fix the working size, make the writer."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

from ..media import Frame, VideoInfo, VideoWriter, probe_video, read_frames
from ..resize import fit_size
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

    def writer(self, target: str | os.PathLike) -> VideoWriter:
        """A writer for ``target`` with the source's timing and audio (trimmed like the frames)."""
        out = self.output
        return VideoWriter(
            target, like=self.info, audio_from=self.source, start=out.start, duration=out.duration,
            crf=out.crf, preset=out.preset, overwrite=out.overwrite,
        )


def open_video(source: str | os.PathLike, output: OutputOptions, cap: int | None = None) -> VideoJob:
    """Probe ``source``; the working size is ``output.size`` (or the source's, capped at ``cap``), even."""
    info = probe_video(source)
    size = fit_size(info.height, info.width, output.size, cap=cap, even=True)
    return VideoJob(source, info, output, size, info.count_frames(output.start, output.duration))
