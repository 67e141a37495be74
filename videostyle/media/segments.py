"""Write a long video in resumable segments and join them, without re-encoding, into one file.

Each segment (about ``segment_seconds`` of frames) is a fresh encoder's output, so it starts with a
keyframe and refers to nothing outside itself. It is kept in a work folder with the state the frame
driver hands over at its last frame (safetensors, lossless) and a JSON record written last: a record
marks the segment complete, anything without one is an interrupted segment and is deleted on resume.
A rerun asks :meth:`SegmentedVideoWriter.resume_point` how many frames are done, skips them, and goes on.
On a clean close the segments' packets are copied into the final file (their timestamps untouched,
so variable frame rates survive), the soundtrack is muxed once, the file is renamed into place and
the work folder removed.

The work folder the caller names is a root: each output gets its own private folder inside it,
named from the output's canonical path (:func:`job_folder`), so two jobs never share one, the output
is never inside it, and a clean close removes that folder alone. Its layout (``NNNNNN`` is the
segment number)::

    job.json                   encoder settings and the job's identity (input, styles, options)
    NNNNNN.mp4                 the segment's video, timestamps relative to its first frame
    NNNNNN.safetensors         driver state after the segment's last frame (optional)
    NNNNNN.json                record: frames, pts, time base, trim shift, size and digest of the
                               video and state files; written last

Nothing on disk is trusted blindly: a rerun whose settings or identity (the content of the input and
style files, the engine options) differ from ``job.json`` starts over, and a segment whose record is
unreadable, whose files are missing, truncated, swapped or changed (size and SHA-256), or whose state
is not finite, is discarded with everything after it; each such discard is one warning line, and
the frames are computed again.

A *chunk* is a frame range ``[first, end)`` of a job written by a writer of its own (``chunk=``), in
a folder beside the job's (``<job folder>.chunk-FIRST-END``) so several processes write one job at
once. Chunks start on segment boundaries and number their segments like the whole job does, so a
chunk's segments are the segments a single writer would have made there; a chunk's writer keeps
them on close, and the job's writer takes them over (:meth:`SegmentedVideoWriter.adopt`) and joins.

Segments are always MP4 (its time scales keep every pts exact, unlike Matroska's milliseconds), which
is why only H.264 targets (.mp4 .mov .mkv) are segmented; .webm and .gif use :class:`VideoWriter`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import av
import numpy as np
import torch
from safetensors.torch import load_file, save_file

from ..errors import OutputError, VideostyleWarning
from ..identity import JobIdentity, canonical, sha256_file
from ..names import DEFAULT_X264_PRESET
from .atomic import atomic_output, check_writable, fsync_path
from .audio import AudioMode, AudioSource, Window, plan_audio
from .video_reader import Frame, VideoInfo, as_fraction, check_trim
from .video_writer import X264_PARAMS, VideoWriter, _AvSink, _check_quality, rebase

SEGMENTED_EXTS = frozenset({".mp4", ".mov", ".mkv"})
_SEGMENT_EXT = ".mp4"
_JOB = "job.json"


def job_folder(root: str | os.PathLike, output: str | os.PathLike) -> Path:
    """The private work folder of ``output`` under ``root``: its name, its canonical path's digest."""
    path = canonical(output)
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:12]
    return Path(root) / f"{path.stem}-{digest}"


def chunk_folder(root: str | os.PathLike, output: str | os.PathLike, chunk: tuple[int, int | None]) -> Path:
    """The folder of frames ``[first, end)`` of ``output``'s job, beside the job's own folder."""
    first, end = chunk
    job = job_folder(root, output)
    return job.with_name(f"{job.name}.chunk-{first:06d}-{'end' if end is None else f'{end:06d}'}")


class ResumeDiscarded(VideostyleWarning):
    """Work on disk that a rerun could not use and computes again (said in one line)."""


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
    size: int
    sha256: str
    state_sha256: str | None

    def to_json(self) -> dict[str, object]:
        return {**self.__dict__, "time_base": str(self.time_base)}

    @classmethod
    def from_json(cls, data: object) -> _Record:
        """Parse a stored record; raises ValueError for anything malformed."""
        if not isinstance(data, dict) or set(data) != {f for f in cls.__dataclass_fields__}:
            raise ValueError("not a segment record")
        record = cls(**{**data, "time_base": Fraction(str(data["time_base"]))})
        ints = (record.number, record.first_frame, record.frames, record.first_pts, record.last_pts, record.shift, record.size)
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in ints) or record.frames < 1:
            raise ValueError("not a segment record")
        return record


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
        preset: str = DEFAULT_X264_PRESET,
        overwrite: bool = False,
        segment_seconds: float = 2.0,
        identity: JobIdentity | None = None,
        chunk: tuple[int, int | None] | None = None,
        shift: int | None = None,
    ):
        """``chunk``: write only frames ``[first, end)`` of the job (end None: to its last frame), ``first``
        a multiple of :attr:`per_segment`; ``shift``: with ``start``/``duration``, the pts of the job's
        first frame, which a later chunk's writer never sees."""
        self.path = Path(path)
        self._chunk = chunk
        self.work_dir = job_folder(work_dir, self.path) if chunk is None else chunk_folder(work_dir, self.path, chunk)
        self._identity = identity
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
        self._state: dict[str, torch.Tensor] | None = None  # after the last complete segment, verified
        self._records: list[_Record] = []
        self._per_segment = max(1, round(segment_seconds * self.fps))  # frames; by count, so the index decides
        self._first = 0 if chunk is None else chunk[0]
        if self._first % self._per_segment or self._first < 0 or (chunk is not None and chunk[1] is not None and chunk[1] <= self._first):
            raise ValueError(f"chunk {chunk} must start on a segment boundary (a multiple of {self._per_segment} frames)")
        self.audio_mode: AudioMode | None = plan_audio(audio_from, ext, start is not None or duration is not None)
        self._records = self._load()
        self._segment: VideoWriter | None = None
        self._segment_first: tuple[int, int] = (0, 0)  # (frame index, pts) of the open segment's first frame
        self._last_pts: int | None = self._records[-1].last_pts if self._records else None
        self._shift: int | None = self._records[0].shift if self._records else shift
        if chunk is not None and self._shift is None:
            if start is not None or duration is not None:
                raise ValueError("a chunk of a trimmed video needs the pts of the job's first frame (shift)")
            self._shift = 0
        self._due = False  # the open segment is full and waits for save_state
        self.frames_written = self.frames_done
        self._entered = False

    @property
    def per_segment(self) -> int:
        """Frames in each segment but the last: segment ``n`` holds frames ``[n * per_segment, (n + 1) * per_segment)``."""
        return self._per_segment

    @property
    def frames_done(self) -> int:
        """Frames in complete segments (kept across a crash); a chunk counts from its first frame."""
        last = self._records[-1] if self._records else None
        return self._first if last is None else last.first_frame + last.frames

    def resume_point(self) -> ResumePoint:
        """Frames the driver must skip and the state to restore (None when no segment saved one)."""
        return ResumePoint(self.frames_done, self._state)

    def restart(self, reason: str) -> None:
        """Throw every finished segment away and start at frame 0 (the driver could not use the state)."""
        if self._segment is not None or self.frames_written != self.frames_done or self._chunk is not None:
            raise RuntimeError("restart() only before the first write, and not for a chunk")
        self._discard([], reason)
        self._claim_work_dir()
        self._last_pts = self._shift = None
        self.frames_written = 0

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
        if self._chunk is not None:  # the job's writer joins the chunks
            return
        if not self._records:
            raise OutputError(f"no frames were given, so {self.path} was not written")
        self._join()
        shutil.rmtree(self.work_dir)  # the job's private folder; the root the caller named stays

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

    def adopt(self, chunk: SegmentedVideoWriter) -> None:
        """Take over the finished segments of ``chunk``, the next chunk of this job, and remove its folder.

        Each segment is moved in with its state first and its record last, so after a crash this folder
        holds complete segments only; the chunk's folder no longer starts at its first segment and is
        made again from where this folder ends (the head plans chunks after ``frames_done``).
        """
        if self._chunk is not None or chunk._chunk is None or chunk._first != self.frames_done:
            raise OutputError(f"{chunk.work_dir.name} does not continue {self.path.name} after frame {self.frames_done}")
        if {**chunk._settings(), "frames": None} != {**self._settings(), "frames": None}:
            raise OutputError(f"{chunk.work_dir.name} was written with other settings than {self.path.name}")
        for record in chunk._records:
            if record.number != self._next_number or (self._records and record.shift != self._records[0].shift):
                raise OutputError(f"segment {record.number} of {chunk.work_dir.name} does not follow segment {self._next_number - 1}")
            for name in (self._segment_path(record.number).name, record.state):
                if name:
                    os.replace(chunk.work_dir / name, self.work_dir / name)
            fsync_path(self.work_dir)
            os.replace(chunk.work_dir / f"{record.number:06d}.json", self.work_dir / f"{record.number:06d}.json")
            fsync_path(self.work_dir)
            self._records.append(record)
        self._state = chunk._state if chunk._records else self._state
        self._last_pts = self._records[-1].last_pts if self._records else None
        self._shift = self._records[0].shift if self._records else self._shift
        self.frames_written = self.frames_done
        shutil.rmtree(chunk.work_dir)

    @property
    def _next_number(self) -> int:
        return self._first // self._per_segment + len(self._records)

    def _open_segment(self, pts: int) -> None:
        number = self._next_number
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
        number = self._next_number
        state_name = state_sha256 = None
        if state is not None:
            state_name = f"{number:06d}.safetensors"
            tensors = {name: value.detach().cpu().contiguous() for name, value in state.items()}
            with _durable(self.work_dir / state_name) as tmp:
                save_file(tensors, tmp)
            state_sha256 = sha256_file(self.work_dir / state_name)
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
            segment.path.stat().st_size,
            sha256_file(segment.path),
            state_sha256,
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
            "x264": X264_PARAMS,
            **({} if self._chunk is None else {"frames": list(self._chunk)}),
        }

    def _load(self) -> list[_Record]:
        """The verified complete segments of an earlier run of this job; everything else is removed."""
        try:
            stored = json.loads((self.work_dir / _JOB).read_text())
        except FileNotFoundError:
            stored = None
        except (OSError, ValueError) as exc:
            stored = {"unreadable": str(exc)}
        if stored is not None and not self._same_job(stored):
            self._discard([], "it was made from other input, styles or settings")
            stored = None
        if stored is None:
            self._claim_work_dir()
            return []
        records = self._verified_records()
        keep = {_JOB} | {name for r in records for name in (self._segment_path(r.number).name, f"{r.number:06d}.json", r.state) if name}
        for leftover in self.work_dir.iterdir():
            if leftover.name not in keep:
                _remove(leftover)
        return records

    def _same_job(self, stored: object) -> bool:
        if not isinstance(stored, dict) or stored.get("settings") != self._settings():
            return False
        return self._identity is None or self._identity.matches(stored.get("identity"))

    def _verified_records(self) -> list[_Record]:
        """Records in order up to the first segment that cannot be used, which is discarded with the rest.

        Every segment's files are checked against their digests; only the last state is loaded (the
        one a resume restores), and if it is not finite its segment goes too and the one before is tried.
        """
        records: list[_Record] = []
        first_number = self._first // self._per_segment
        while (self.work_dir / f"{first_number + len(records):06d}.json").exists():
            number = first_number + len(records)
            problem = self._check(number, records[-1] if records else None)
            if problem is not None:
                self._discard(records, problem)
                break
            records.append(self._record(number))
        while records:
            problem, self._state = self._load_state(records[-1])
            if problem is None:
                break
            self._discard(records[:-1], problem)
            records.pop()
        return records

    def _record(self, number: int) -> _Record:
        return _Record.from_json(json.loads((self.work_dir / f"{number:06d}.json").read_text()))

    def _check(self, number: int, previous: _Record | None) -> str | None:
        """Why segment ``number`` cannot be used, judged by its record and its files' digests (None if it can)."""
        try:
            record = self._record(number)
        except (OSError, ValueError, TypeError, KeyError, ZeroDivisionError):
            return f"the record of segment {number} is damaged"
        expected_first = self._first if previous is None else previous.first_frame + previous.frames
        if record.number != number or record.first_frame != expected_first or record.time_base != self.time_base:
            return f"the record of segment {number} does not follow segment {number - 1}"
        video = self._segment_path(number)
        if not video.is_file() or video.stat().st_size != record.size or sha256_file(video) != record.sha256:
            return f"segment {number} is missing or was changed"
        try:
            if record.state is not None and sha256_file(self.work_dir / record.state) != record.state_sha256:
                return f"the state of segment {number} was changed"
        except OSError:
            return f"the state of segment {number} cannot be read"
        return None

    def _load_state(self, record: _Record) -> tuple[str | None, dict[str, torch.Tensor] | None]:
        """The driver state stored after ``record``'s segment, or why it cannot be used."""
        if record.state is None:
            return None, None
        try:
            state = load_file(self.work_dir / record.state)
        except (OSError, ValueError, RuntimeError):
            return f"the state of segment {record.number} cannot be read", None
        if not all(torch.isfinite(t).all() for t in state.values() if t.is_floating_point()):
            return f"the state of segment {record.number} is not finite", None
        return None, state

    def _discard(self, keep: list[_Record], reason: str) -> None:
        """Keep the segments ``keep`` and delete every later one (with none kept, the whole folder), saying why."""
        first = keep[-1].first_frame + keep[-1].frames if keep else self._first
        warnings.warn(ResumeDiscarded(
            f"cannot resume {self.path.name} after frame {first}: {reason}; computing from frame {first} again"
        ), stacklevel=2)
        self._records, self._state = list(keep), self._state if keep else None
        if not keep:
            shutil.rmtree(self.work_dir, ignore_errors=True)
            return
        for entry in self.work_dir.iterdir():
            stem = entry.name.split(".")[0]
            if stem.isdigit() and int(stem) >= self._first // self._per_segment + len(keep):
                _remove(entry)

    def _claim_work_dir(self) -> None:
        """Create the job's private folder and record the job in it before any segment."""
        try:
            self.work_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create folder {self.work_dir}: {exc.strerror}") from exc
        for entry in self.work_dir.iterdir():  # private to this output: only a torn start of it can be here
            _remove(entry)
        stored = {"settings": self._settings(), "identity": self._identity.record() if self._identity else None}
        with _durable(self.work_dir / _JOB) as tmp:
            tmp.write_text(json.dumps(stored))

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


def _remove(entry: Path) -> None:
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry, ignore_errors=True)
    else:
        entry.unlink(missing_ok=True)


@contextlib.contextmanager
def _durable(path: Path) -> Iterator[Path]:
    """Like :func:`atomic_output`, but the content is on disk before the rename and the rename after."""
    with atomic_output(path, overwrite=True) as tmp:
        yield tmp
        fsync_path(tmp)
    fsync_path(path.parent)

