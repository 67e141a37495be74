"""A job's way through the journal: running -> done/failed, with events for the caller. Thread-safe."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .events import JobFinished, JobProgress, JobResult, JobStarted
from .journal import Journal, sha256_file, state_dir
from .runner import Outcome, child_argv, work_dir
from .validate import Plan

Emit = Callable[[object], None]


@dataclass
class Lifecycle:
    """What every executor shares: the journal (owned by this, the head process), events and the job's argv."""

    outdir: Path
    cwd: Path
    journal: Journal
    emit: Emit
    retries: int = 0
    program: Sequence[str] | None = None
    replace: frozenset[str] = frozenset()
    """Jobs whose existing output this batch made earlier (and so may replace)."""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def argv(self, plan: Plan) -> list[str]:
        return child_argv(plan, self.outdir, overwrite=plan.id in self.replace)

    def log(self, plan: Plan) -> Path:
        return state_dir(self.outdir) / "logs" / f"{plan.job.slug}.log"

    def started(self, plan: Plan, attempt: int, worker: str, host: str | None = None) -> None:
        with self._lock:
            self.journal.running(plan.id, plan.options_hash, host=host)
            self.emit(JobStarted(plan, attempt, worker))

    def progress(self, plan: Plan) -> Callable[[int, int | None, float | None], None]:
        def report(done: int, total: int | None, fps: float | None) -> None:
            with self._lock:
                self.emit(JobProgress(plan, done, total if total is not None else plan.frames, fps))

        return report

    def finished(self, plan: Plan, outcome: Outcome, attempts: int) -> JobResult:
        """Record the outcome; a job that exited 0 without its output is a failure."""
        if outcome.ok and not plan.output.is_file():
            outcome = Outcome(1, f"finished without writing {plan.output}", outcome.seconds, outcome.frames)
        frames = outcome.frames if outcome.frames is not None else plan.frames
        with self._lock:
            if outcome.ok:
                shutil.rmtree(work_dir(plan, self.outdir), ignore_errors=True)  # the segments are in the output now
                self.journal.write(
                    plan.id, "done", hash=plan.options_hash, output=str(plan.output), size=plan.output.stat().st_size,
                    sha256=sha256_file(plan.output), seconds=round(outcome.seconds, 3), frames=frames, attempts=attempts,
                )
            else:
                self.journal.write(
                    plan.id, "failed", hash=plan.options_hash, error=outcome.error, returncode=outcome.returncode,
                    seconds=round(outcome.seconds, 3), attempts=attempts,
                )
            result = JobResult(
                plan.id, "done" if outcome.ok else "failed", str(plan.output), outcome.seconds,
                frames, outcome.error, attempts, outcome.returncode,
            )
            self.emit(JobFinished(plan, result))
        return result
