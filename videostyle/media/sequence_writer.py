"""Write a job's frames as an image sequence, one file per frame, resumable after a stop.

Each frame goes to a temporary name and is renamed into place, so a frame file is either complete or
absent. A sequence source's frame numbers carry on (its frame at time t, exactly ``t * fps`` frames
after its first, keeps its number); anything else is numbered by position, ``start_number + i``
(default 1), so a variable-frame-rate video never puts two frames on one number. A clean finish
removes the pattern's frames beyond the last one written: the stale tail of a longer earlier run
(which only an ``overwrite`` or a run of the same job may find there).

Resume. Beside the frames lives a private work folder ``.NAME.videostyle`` (NAME: the pattern's
file name) holding ``job.json`` (the job's identity and the writer's settings) and, every
``CHECKPOINT_EVERY`` frames, the frame driver's state with the count of frames done up to it
(``state.json`` written last, pointing at its ``state-N.safetensors``). A rerun of the same job
(same identity) resumes from the last checkpoint and rewrites the frames after it; a different job
finding frames there starts over (with ``overwrite``) or stops with an error. A clean finish removes
the work folder, which is what marks the sequence complete.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import torch
from safetensors.torch import load_file, save_file

from ..errors import OutputError
from ..identity import JobIdentity
from .atomic import atomic_output, check_writable, fsync_path
from .segments import ResumePoint
from .sequences import frame_numbers, is_pattern
from .stills import SEQUENCE_EXTS, write_still
from .video_reader import Frame, VideoInfo

CHECKPOINT_EVERY = 8
"""Frames between saved driver states: at most this many are computed again after a stop."""

_FIELD = re.compile(r"%(0\d+)?d")


class SequenceWriter:
    """A frame sink writing ``pattern`` (``out/frame.%04d.exr``); see the module docstring."""

    def __init__(
        self,
        pattern: str | os.PathLike,
        like: VideoInfo | None = None,
        *,
        fps: Fraction | int | None = None,
        start_number: int | None = None,
        overwrite: bool = False,
        identity: JobIdentity | None = None,
        display_referred: bool = False,
    ) -> None:
        self.pattern = str(pattern)
        if not is_pattern(self.pattern):
            raise OutputError(f"{pattern}: an output sequence needs a number field, like frames/%04d.png")
        ext = Path(self.pattern).suffix.lower()
        if ext not in SEQUENCE_EXTS:
            raise OutputError(f"{pattern}: cannot write {ext or 'extension-less'} sequences; use one of {' '.join(sorted(SEQUENCE_EXTS))}")
        if like is None and fps is None:
            raise ValueError("SequenceWriter needs `like` (a probed source) or `fps`")
        self.fps = Fraction(like.fps if like is not None else fps)
        source_first = like.first_number if like is not None else None
        self.first_number = source_first if source_first is not None else (1 if start_number is None else start_number)
        self._by_time = source_first is not None
        self._last: int | None = None
        self.display_referred = display_referred
        self.overwrite = overwrite
        self.work_dir = Path(self.pattern).parent / f".{_FIELD.sub('N', Path(self.pattern).name)}.videostyle"
        self._identity = identity
        self._settings = {"pattern": self.pattern, "fps": str(self.fps), "first": self.first_number, "display_referred": display_referred}
        self._resume = self._load()
        self.frames_written = self._resume.frames_done
        self._entered = False

    def resume_point(self) -> ResumePoint:
        """Frames already done for this job and the driver state after them."""
        return self._resume

    def restart(self, reason: str) -> None:
        """Start at frame 0 (the driver could not use the saved state)."""
        self._claim()
        self._resume = ResumePoint(0)
        self.frames_written = 0

    def number(self, frame: Frame) -> int:
        """The frame number ``frame``, the next one to write, is written under."""
        if self._by_time:
            return self.first_number + round(frame.pts * frame.time_base * self.fps)
        return self.first_number + self.frames_written

    def write(self, frame: Frame) -> None:
        """Write one frame atomically (float frames at 16 bits / half, with the frame's alpha)."""
        if not self._entered:
            raise RuntimeError("use SequenceWriter in a `with` block")
        number = self.number(frame)
        if self._last is not None and number <= self._last:
            raise OutputError(f"two frames of {self.pattern} fall on number {number}; the source's frame times are not 1/{self.fps} apart")
        with atomic_output(Path(self.pattern % number), overwrite=True) as tmp:
            write_still(tmp, frame.rgb, frame.alpha, self.display_referred)
        self.frames_written += 1
        self._last = number

    def wants_state(self, index: int) -> bool:
        return (index + 1) % CHECKPOINT_EVERY == 0

    def save_state(self, index: int, state: dict[str, torch.Tensor]) -> None:
        """Record that frames up to ``index`` are done, with the driver's ``state`` after them."""
        name = f"state-{index + 1}.safetensors"
        save_file({k: v.contiguous() for k, v in state.items()}, self.work_dir / name)
        fsync_path(self.work_dir / name)
        _write_json(self.work_dir / "state.json", {"frames_done": index + 1, "state": name})
        for old in self.work_dir.glob("state-*.safetensors"):
            if old.name != name:
                old.unlink(missing_ok=True)

    def close(self) -> None:
        self.__exit__(None, None, None)

    def __enter__(self) -> SequenceWriter:
        self._entered = True
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self._entered:
            return
        self._entered = False
        if exc_type is None:
            if self.frames_written == 0:
                raise OutputError(f"no frames were given, so {self.pattern} was not written")
            self._remove_stale()
            shutil.rmtree(self.work_dir, ignore_errors=True)

    def _load(self) -> ResumePoint:
        """Where a stopped run of this job stands; claims the work folder for a fresh start otherwise."""
        try:
            stored = json.loads((self.work_dir / "job.json").read_text())
            same = stored.get("settings") == self._settings and (
                self._identity is None or self._identity.matches(stored.get("identity"))
            )
        except (OSError, ValueError, AttributeError):
            same = False
        if same:
            return self._checkpoint()
        if not self.overwrite and (clash := self._existing_frame()) is not None:
            raise OutputError(f"{clash} already exists; pass --overwrite to replace the sequence")
        self._claim()
        return ResumePoint(0)

    def _checkpoint(self) -> ResumePoint:
        try:
            record = json.loads((self.work_dir / "state.json").read_text())
            state = load_file(self.work_dir / record["state"])
            return ResumePoint(int(record["frames_done"]), state)
        except (OSError, ValueError, KeyError, TypeError, RuntimeError):
            return ResumePoint(0)

    def _claim(self) -> None:
        check_writable(Path(self.pattern % self.first_number), overwrite=True)
        shutil.rmtree(self.work_dir, ignore_errors=True)
        try:
            self.work_dir.mkdir(parents=True)
        except OSError as exc:
            raise OutputError(f"cannot create folder {self.work_dir}: {exc.strerror}") from exc
        stored = {"settings": self._settings, "identity": self._identity.record() if self._identity else None}
        _write_json(self.work_dir / "job.json", stored)

    def _remove_stale(self) -> None:
        """Delete the frames numbered after the last one written (left by a longer earlier run)."""
        if self._last is None and self._by_time:
            return  # every frame was written before a resume: nothing here says where the job ends
        last = self._last if self._last is not None else self.first_number + self.frames_written - 1
        for number in frame_numbers(self.pattern):
            if number > last:
                Path(self.pattern % number).unlink(missing_ok=True)

    def _existing_frame(self) -> Path | None:
        numbers = frame_numbers(self.pattern)
        return Path(self.pattern % numbers[0]) if numbers else None


def _write_json(path: Path, data: object) -> None:
    with atomic_output(path, overwrite=True) as tmp:
        tmp.write_text(json.dumps(data))
        fsync_path(tmp)

