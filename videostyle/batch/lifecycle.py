"""A job's way through the journal: running -> done/failed, with events for the caller. Thread-safe."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import outputs
from .events import JobFinished, JobProgress, JobResult, JobStarted
from .journal import Journal, state_dir
from .runner import Outcome, child_argv
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
    _identities: dict[str, dict[str, Any]] = field(default_factory=dict)

    def argv(self, plan: Plan, masked: bool = False) -> list[str]:
        """The child's argv; ``masked``: it sees one GPU only (CUDA_VISIBLE_DEVICES), so cuda:N is its cuda."""
        return child_argv(plan, self.outdir, overwrite=plan.id in self.replace, masked=masked)

    def log(self, plan: Plan) -> Path:
        """The job's log: its output's name and a digest of its id, so no two jobs share one."""
        digest = hashlib.sha256(plan.id.encode()).hexdigest()[:12]
        return state_dir(self.outdir) / "logs" / f"{plan.output.stem}-{digest}.log"

    def started(self, plan: Plan, attempt: int, worker: str, host: str | None = None) -> None:
        """Record the start, with the identity of what the job reads as it is now (a file changed while
        the job runs then makes the next batch redo it, never skip it)."""
        identity = self._identities.get(plan.id) or plan.identity.record()
        with self._lock:
            self._identities[plan.id] = identity
            self.journal.running(plan.id, plan.options_hash, host=host)
            self.emit(JobStarted(plan, attempt, worker))

    def progress(self, plan: Plan) -> Callable[..., None]:
        def report(done: int, total: int | None, fps: float | None, chunks: tuple[int, int] | None = None) -> None:
            with self._lock:
                self.emit(JobProgress(plan, done, total if total is not None else plan.frames, fps, chunks))

        return report

    def finished(self, plan: Plan, outcome: Outcome, attempts: int) -> JobResult:
        """Record the outcome; a job that exited 0 without its output is a failure."""
        if outcome.ok and not outputs.exists(plan.output):
            outcome = Outcome(1, f"finished without writing {plan.output}", outcome.seconds, outcome.frames)
        frames = outcome.frames if outcome.frames is not None else plan.frames
        made = outputs.made(plan.output) if outcome.ok else None
        with self._lock:
            if made is not None:
                self.journal.write(
                    plan.id, "done", hash=plan.options_hash, identity=self._identities.get(plan.id), made=made,
                    output=str(plan.output), size=made["size"], sha256=made["sha256"], seconds=round(outcome.seconds, 3),
                    frames=frames, attempts=attempts,
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
