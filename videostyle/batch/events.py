"""What a batch run reports while it works (the library never prints; the CLI renders these)."""

from __future__ import annotations

from dataclasses import dataclass

from .validate import Plan


@dataclass(frozen=True)
class JobResult:
    """How one job ended: state is done, failed or skipped (done before, unchanged)."""

    job: str
    state: str
    output: str
    seconds: float = 0.0
    frames: int | None = None
    error: str | None = None
    attempts: int = 0
    returncode: int | None = None


@dataclass(frozen=True)
class BatchStarted:
    plans: tuple[Plan, ...]
    skipped: tuple[str, ...]


@dataclass(frozen=True)
class JobStarted:
    plan: Plan
    attempt: int
    worker: str


@dataclass(frozen=True)
class JobProgress:
    """Frames (steps for images and training) done so far in a running job, and its rate; ``chunks``:
    (finished, planned) chunks of a job rendered on several workers (``--workers``)."""

    plan: Plan
    done: int
    total: int | None
    fps: float | None
    chunks: tuple[int, int] | None = None


@dataclass(frozen=True)
class JobFinished:
    plan: Plan
    result: JobResult
