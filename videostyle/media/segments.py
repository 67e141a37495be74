"""Write a long video in resumable segments and join them, without re-encoding, into one file.

Each segment (about ``segment_seconds`` of frames) is a fresh encoder's output, so it starts with a
keyframe and refers to nothing outside itself. It is kept in a work folder with the state the frame
driver hands over at its last frame (safetensors, lossless) and a JSON record written last: a record
marks the segment complete, anything without one is an interrupted segment and is deleted on resume.
A rerun asks :meth:`SegmentedVideoWriter.resume_point` how many frames are done, skips them, and goes on.
On a clean close the segments' packets are copied into the final file (their timestamps untouched,
so variable frame rates survive), the soundtrack is muxed once, the file is renamed into place and
the work folder removed.

Work folder layout (``NNNNNN`` is the segment number)::

    job.json                   settings the segments were encoded with; a rerun must match them
    NNNNNN.mp4                 the segment's video, timestamps relative to its first frame
    NNNNNN.safetensors         driver state after the segment's last frame (optional)
    NNNNNN.json                record: frames, first/last pts, time base, trim shift; written last

Segments are always MP4 (its time scales keep every pts exact, unlike Matroska's milliseconds), which
is why only H.264 targets (.mp4 .mov .mkv) are segmented; .webm and .gif use :class:`VideoWriter`.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import av
import numpy as np
import torch
from safetensors.torch import load_file, save_file

from ..errors import OutputError
from .atomic import atomic_output, check_writable, fsync_path
from .audio import AudioMode, AudioSource, Window, plan_audio
from .video_reader import Frame, VideoInfo, as_fraction, check_trim
from .video_writer import VideoWriter, _AvSink, _check_quality, rebase

SEGMENTED_EXTS = frozenset({".mp4", ".mov", ".mkv"})
_SEGMENT_EXT = ".mp4"
_JOB = "job.json"


@dataclass(frozen=True)
class ResumePoint:
    """Where a job stands: frames already written for good, and the driver state after the last one."""

    frames_done: int
    state: dict[str, torch.Tensor] | None = None


@dataclass(frozen=True)
class _Record:
    """One complete segment, as stored in its JSON record."""

    number: int
    first_frame: int
    frames: int
    first_pts: int
    last_pts: int
    time_base: Fraction
    shift: int
    state: str | None

    def to_json(self) -> dict[str, object]:
        return {**self.__dict__, "time_base": str(self.time_base)}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> _Record:
        return cls(**{**data, "time_base": Fraction(str(data["time_base"]))})  # type: ignore[arg-type]


class SegmentedVideoWriter:
    """A resumable :class:`VideoWriter`: same settings and frames, plus ``wants_state``/``save_state``.

    Frames are numbered from the first frame of the job (index 0); after a resume the first frame
    written must be frame ``resume_point().frames_done``. The segment ends after the frame that
    completes ``segment_seconds`` of frames at the nominal rate (counted, so a function of the index);
    ``wants_state`` is True there, and ``save_state`` (or the
    next ``write``, which then stores no state) closes the segment for good.
    """

    def __init__(
        self,
        path: str | os.PathLike,
        work_dir: str | os.PathLike,
        like: VideoInfo | None = None,
        *,
        fps: Fraction | int | None = None,
        audio_from: AudioSource | None = None,
        start: float | None = None,
        duration: float | None = None,
        crf: int = 18,
        preset: str = "medium",
        overwrite: bool = False,
        segment_seconds: float = 2.0,
    ):
        self.path = Path(path)
        self.work_dir = Path(work_dir)
        ext = self.path.suffix.lower()
        if ext not in SEGMENTED_EXTS:
            accepted = " ".join(sorted(SEGMENTED_EXTS))
            raise OutputError(f"{self.path}: only {accepted} videos are written in resumable segments")
        if like is None and fps is None:
            raise ValueError("SegmentedVideoWriter needs `like` (a probed source) or `fps`")
        if segment_seconds <= 0:
            raise ValueError(f"segment_seconds must be positive, not {segment_seconds}")
        _check_quality(crf, preset)
        check_trim(start, duration)
        check_writable(self.path, overwrite)
        self.fps = Fraction(like.fps if like is not None else fps)
        self.time_base = like.time_base if like is not None else 1 / self.fps
        self._like, self._audio_from = like, audio_from
        self._start, self._duration = start, duration
        self._crf, self._preset, self._overwrite = crf, preset, overwrite
        self._segment_seconds = segment_seconds
        self._per_segment = max(1, round(segment_seconds * self.fps))  # frames; by count, so the index decides
        self.audio_mode: AudioMode | None = plan_audio(audio_from, ext, start is not None or duration is not None)
        self._records = self._load()
        self._segment: VideoWriter | None = None
        self._segment_first: tuple[int, int] = (0, 0)  # (frame index, pts) of the open segment's first frame
        self._last_pts: int | None = self._records[-1].last_pts if self._records else None
        self._shift: int | None = self._records[0].shift if self._records else None
        self._due = False  # the open segment is full and waits for save_state
        self.frames_written = self.frames_done
        self._entered = False

    @property
    def frames_done(self) -> int:
        """Frames in complete segments (kept across a crash)."""
        last = self._records[-1] if self._records else None
        return 0 if last is None else last.first_frame + last.frames

    def resume_point(self) -> ResumePoint:
        """Frames the driver must skip and the state to restore (None when no segment saved one)."""
        last = self._records[-1] if self._records else None
        state = None if last is None or last.state is None else load_file(self.work_dir / last.state)
        return ResumePoint(self.frames_done, state)

    def __enter__(self) -> SegmentedVideoWriter:
        self._entered = True
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self._entered:
            return
        self._entered = False
        if exc_type is not None:  # keep the finished segments, drop the open one
            if self._segment is not None:
                segment, self._segment = self._segment, None
                segment.__exit__(exc_type, exc, tb)
            return
        if self._segment is not None:
            self._end_segment(None)
        if not self._records:
            raise OutputError(f"no frames were given, so {self.path} was not written")
        self._join()
        shutil.rmtree(self.work_dir)

    def close(self) -> None:
        """Finish like a clean end of a ``with`` block."""
        self.__exit__(None, None, None)

    def write(self, frame: Frame | np.ndarray) -> None:
        """Encode one frame into the open segment, starting a new segment when the last one is full."""
        if not self._entered:
            raise RuntimeError("use SegmentedVideoWriter in a `with` block")
        if isinstance(frame, np.ndarray):
            frame = Frame(frame, self.frames_written, 1 / self.fps)
        pts = rebase(frame, self.time_base)
        if self._shift is None:
            self._shift = pts if self._start is not None or self._duration is not None else 0
        pts -= self._shift
        if self._last_pts is not None and pts <= self._last_pts:
            raise ValueError(
                f"frame pts {pts} is not after {self._last_pts}: after a resume, skip the first "
                f"{self.frames_done} frames"
            )
        if self._due:
            self._end_segment(None)
        if self._segment is None:
            self._open_segment(pts)
        assert self._segment is not None
        self._segment.write(Frame(frame.rgb, pts - self._segment_first[1], self.time_base))
        self._last_pts = pts
        self.frames_written += 1
        self._due = self.frames_written - self._segment_first[0] >= self._per_segment

    def wants_state(self, index: int) -> bool:
        """True for the last frame of a segment: the driver then calls :meth:`save_state` after writing it.

        A function of the index alone, since the driver asks on its compute thread, before the frame
        has reached this writer on the encode thread.
        """
        return (index + 1) % self._per_segment == 0

    def save_state(self, index: int, state: dict[str, torch.Tensor]) -> None:
        """Close the open segment after frame ``index`` (the last one written), storing ``state`` with it."""
        if index != self.frames_written - 1 or self._segment is None:
            raise ValueError(f"save_state({index}) must follow the write of frame {index}")
        self._end_segment(state)

    def _open_segment(self, pts: int) -> None:
        number = len(self._records)
        self._segment = VideoWriter(
            self.work_dir / f"{number:06d}{_SEGMENT_EXT}",
            self._like,
            fps=self.fps,
            crf=self._crf,
            preset=self._preset,
            overwrite=True,
        ).__enter__()
        self._segment_first = (self.frames_written, pts)

    def _end_segment(self, state: dict[str, torch.Tensor] | None) -> None:
        """Make the open segment durable: video, then state, then the record that marks it complete."""
        segment, self._segment = self._segment, None
        self._due = False
        assert segment is not None and self._last_pts is not None and self._shift is not None
        segment.__exit__(None, None, None)
        fsync_path(segment.path)
        fsync_path(self.work_dir)
        number = len(self._records)
        state_name = None
        if state is not None:
            state_name = f"{number:06d}.safetensors"
            tensors = {name: value.detach().cpu().contiguous() for name, value in state.items()}
            with _durable(self.work_dir / state_name) as tmp:
                save_file(tensors, tmp)
        first_frame, first_pts = self._segment_first
        record = _Record(
            number,
            first_frame,
            self.frames_written - first_frame,
            first_pts,
            self._last_pts,
            self.time_base,
            self._shift,
            state_name,
        )
        with _durable(self.work_dir / f"{number:06d}.json") as tmp:
            tmp.write_text(json.dumps(record.to_json()))
        self._records.append(record)

    def _settings(self) -> dict[str, object]:
        """What the segments depend on; a resume with other settings would join mismatched streams."""
        return {
            "output": str(self.path.resolve()),
            "time_base": str(self.time_base),
            "fps": str(self.fps),
            "crf": self._crf,
            "preset": self._preset,
            "start": self._start,
            "duration": self._duration,
            "segment_seconds": self._segment_seconds,
        }

    def _load(self) -> list[_Record]:
        """Read the complete segments of an earlier run and delete whatever an interruption left."""
        settings = self._settings()
        job = self.work_dir / _JOB
        if not job.exists():
            self._claim_work_dir()
            with _durable(job) as tmp:
                tmp.write_text(json.dumps(settings))
            return []
        if json.loads(job.read_text()) != settings:
            raise OutputError(
                f"{self.work_dir} holds an unfinished run of {self.path} with other settings; "
                "rerun with the same settings or delete that folder"
            )
        records: list[_Record] = []
        while (self.work_dir / f"{len(records):06d}.json").exists():
            records.append(_Record.from_json(json.loads((self.work_dir / f"{len(records):06d}.json").read_text())))
        keep = {_JOB} | {f"{r.number:06d}{_SEGMENT_EXT}" for r in records} | {f"{r.number:06d}.json" for r in records}
        keep |= {r.state for r in records if r.state is not None}
        for leftover in self.work_dir.iterdir():
            if leftover.name not in keep:
                leftover.unlink()
        return records

    def _claim_work_dir(self) -> None:
        """Create the work folder; refuse one holding anything but a torn ``job.json`` write."""
        try:
            self.work_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create folder {self.work_dir}: {exc.strerror}") from exc
        entries = list(self.work_dir.iterdir())
        if any(not entry.name.startswith(".job.") for entry in entries):
            raise OutputError(f"{self.work_dir} is not empty and holds no videostyle job; choose another folder")
        for entry in entries:
            entry.unlink()

    def _join(self) -> None:
        """Copy every segment's packets into the final file, muxing the audio once, atomically."""
        ext = self.path.suffix.lower()
        audio = (self._audio_from, self.audio_mode) if self.audio_mode in ("copy", "transcode") else None
        end = None if self._duration is None else (self._start or 0.0) + self._duration
        window = Window(shift=float(self._records[0].shift * self.time_base), end=end)
        with atomic_output(self.path, self._overwrite) as tmp, contextlib.ExitStack() as stack:
            first = stack.enter_context(av.open(str(self._segment_path(0))))
            template = first.streams.video[0]
            size = (template.codec_context.width, template.codec_context.height)
            sink = _AvSink(tmp, ext, size, self.fps, self.time_base, self._crf, self._preset, audio, window, template)
            stack.callback(sink.close)
            for packet in _joined_packets(self._records, self._segment_path, bytes(template.codec_context.extradata)):
                sink.mux_packet(packet)
            sink.finish()
            fsync_path(tmp)  # on disk before the segments it replaces are deleted
        fsync_path(self.path.parent)

    def _segment_path(self, number: int) -> Path:
        return self.work_dir / f"{number:06d}{_SEGMENT_EXT}"


def _joined_packets(
    records: list[_Record], segment_path: Callable[[int], Path], extradata: bytes
) -> Iterator[av.Packet]:
    """The segments' packets on one timeline, decode timestamps kept strictly increasing.

    Each segment was encoded alone, so its first ``delay`` packets (delay = B-frame reordering depth)
    carry decode times invented before its first frame, which overlap the previous segment. Those
    take the pts of the previous segment's last frames instead: the decode times a single encoder
    would have used. All other timestamps stay as encoded.
    """
    tail: list[int] = []  # the latest pts so far, sorted (absolute, in the segments' time base)
    last_dts: int | None = None
    for record in records:
        with av.open(str(segment_path(record.number))) as container:
            stream = container.streams.video[0]
            if bytes(stream.codec_context.extradata) != extradata:
                raise OutputError(f"segment {record.number} was encoded with other settings; cannot join it")
            seg_tb = as_fraction(stream.time_base)
            offset = record.first_pts * record.time_base / seg_tb
            if offset.denominator != 1:
                raise OutputError(f"segment {record.number}: time base {seg_tb} cannot hold its start exactly")
            packets = [p for p in container.demux(stream) if p.size]
            if len(packets) != record.frames:
                raise OutputError(f"segment {record.number} has {len(packets)} frames, expected {record.frames}")
            delay = sum(1 for p in packets if p.dts is not None and p.dts < 0)
            stamps = [p.pts + int(offset) for p in packets]  # muxing rebases the packets in place
            for position, (packet, pts) in enumerate(zip(packets, stamps, strict=True)):
                packet.pts = pts
                if last_dts is None:
                    packet.dts = packet.dts + int(offset)
                elif position < delay and len(tail) >= delay:
                    packet.dts = tail[len(tail) - delay + position]
                else:
                    packet.dts = max(packet.dts + int(offset), last_dts + 1)
                if (last_dts is not None and packet.dts <= last_dts) or packet.dts > packet.pts:
                    raise OutputError(f"segment {record.number}: cannot order its frames after the previous one")
                last_dts = packet.dts
                yield packet
            tail = sorted(tail + stamps)[-max(delay, 1) :]


@contextlib.contextmanager
def _durable(path: Path) -> Iterator[Path]:
    """Like :func:`atomic_output`, but the content is on disk before the rename and the rename after."""
    with atomic_output(path, overwrite=True) as tmp:
        yield tmp
        fsync_path(tmp)
    fsync_path(path.parent)

