"""Run one job as a child process of the CLI, reading its JSON progress lines from stderr.

The child is ``python -m videostyle COMMAND ARGS`` with ``VIDEOSTYLE_PROGRESS=json``; its stdout and
stderr go, in the order written, to a log file beside the journal, and its last non-progress line is
the job's one-line error. The child runs in a session of its own, so a Ctrl-C at the terminal reaches
the batch alone, which then stops the child once and waits for its clean-up; and it is told the
batch's pid, so it stops by itself when the batch is killed outright (see ``shutdown.exit_with_parent``).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..progress import JSON_TAG, PROGRESS_ENV
from ..shutdown import PARENT_ENV
from .journal import state_dir
from .validate import WORK_DIR_OPTION, Plan

EXIT_USAGE = 2
EXIT_INTERRUPTED = (130, 143, 129)


@dataclass(frozen=True)
class Outcome:
    """A finished child process: exit code, last message and wall time."""

    returncode: int
    error: str | None
    seconds: float
    frames: int | None

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def transient(self) -> bool:
        """Worth retrying: anything but success, a usage error or an interruption (a killed child counts)."""
        return self.returncode not in (0, EXIT_USAGE, *EXIT_INTERRUPTED)


def default_program() -> tuple[str, ...]:
    return (sys.executable, "-m", "videostyle")


def work_root(outdir: Path) -> Path:
    """Where video jobs keep their finished segments between runs, each in a folder of its own."""
    return state_dir(outdir) / "work"


def unmasked_device(argv: Sequence[str]) -> list[str]:
    """``argv`` for a child that sees one GPU only (CUDA_VISIBLE_DEVICES) as its cuda:0: ``--device
    cuda:N`` becomes ``--device cuda``, that GPU, instead of a device the child cannot find."""
    return ["cuda" if value.startswith("cuda:") and i and argv[i - 1] == "--device" else value for i, value in enumerate(argv)]


def child_argv(plan: Plan, outdir: Path, overwrite: bool, masked: bool = False) -> list[str]:
    """The job's argv plus what the batch adds (before any positional argument): the work folder for
    frame-level resume, --resume for a stopped training, --overwrite for the batch's own outputs.

    ``masked``: the child sees only the GPU its worker was given, as its cuda:0, so a job that names
    ``cuda:N`` runs on that GPU as ``cuda`` instead of failing to find device N.
    """
    command, *rest = plan.argv
    if masked:
        rest = unmasked_device(rest)
    extra = [WORK_DIR_OPTION, str(work_root(outdir))] if plan.resumable else []
    from ..feedforward.checkpoint import checkpoint_path  # loads torch: only where a job is started

    if command == "train" and checkpoint_path(plan.output).is_file() and "--resume" not in rest:
        extra.append("--resume")  # a stopped training continues from its last checkpoint
    if overwrite and "--overwrite" not in rest:
        extra.append("--overwrite")
    return [command, *extra, *rest]


def run_child(
    argv: Sequence[str],
    cwd: Path,
    log: Path,
    env: dict[str, str] | None = None,
    on_progress: Callable[..., None] | None = None,
    program: Sequence[str] | None = None,
) -> Outcome:
    """Run the child to its end; ``on_progress(done, total, fps)`` is called for each progress line
    (with ``chunks=(finished, planned)`` too when the child renders its video in chunks)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    last_error, frames = None, None
    child_env = {**os.environ, **(env or {}), PROGRESS_ENV: "json", PARENT_ENV: str(os.getpid())}
    with open(log, "a", encoding="utf-8") as log_file:
        log_file.write(f"$ {' '.join(argv)}\n")
        log_file.flush()
        try:
            child = subprocess.Popen(
                [*(program or default_program()), *argv], cwd=cwd, env=child_env, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace", start_new_session=True,
            )
        except OSError as exc:
            return Outcome(1, f"cannot start the job: {exc}", 0.0, None)
        _children.add(child)
        try:
            for line in child.stdout:  # type: ignore[union-attr]
                progress = _progress(line)
                if progress is None:
                    log_file.write(line)
                    last_error = line.strip() or last_error
                elif "resumed" in progress:  # a rerun keeps the frames of the finished segments
                    log_file.write(f"resuming after frame {progress['resumed']}\n")
                    frames = progress["resumed"]
                elif "done" in progress:  # a frame was written
                    frames = progress["done"]
                    if on_progress is not None:
                        chunks = {"chunks": tuple(progress["chunks"])} if "chunks" in progress else {}  # a chunked job's head
                        on_progress(frames, progress.get("total"), progress.get("fps"), **chunks)
                elif frames is None and on_progress is not None and "step" in progress:  # images, training: steps
                    on_progress(progress["step"], progress.get("steps"), None)
            returncode = child.wait()
        except BaseException:  # the batch itself is stopped: take the child down with it, and let it clean up
            child.terminate()
            with contextlib.suppress(BaseException):
                child.wait()
            raise
        finally:
            _children.discard(child)
    error = None if returncode == 0 else (last_error or f"exited with code {returncode}")
    if returncode < 0:
        error = f"killed by signal {-returncode}"
    return Outcome(returncode, error, time.monotonic() - started, frames)


_children: set[subprocess.Popen] = set()
"""Children running now, in any thread, so that a stopped batch can stop them all."""


def terminate_children() -> None:
    """Stop every running child (the batch was interrupted while worker threads ran jobs)."""
    for child in list(_children):
        child.terminate()


def _progress(line: str) -> dict | None:
    if not line.startswith("{"):
        return None
    try:
        data = json.loads(line)
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) and JSON_TAG in data else None
