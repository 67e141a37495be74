"""Show a batch run: a live table (jobs, frames, fps, ETA of the batch) on a terminal, one line per job otherwise."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from rich.console import Group
from rich.live import Live
from rich.markup import escape
from rich.table import Table

from ..batch import BatchStarted, JobFinished, JobProgress, JobResult, JobStarted
from ..batch.validate import Plan
from .render import stderr


@dataclass
class Row:
    plan: Plan
    state: str = "pending"
    done: int = 0
    total: int | None = None
    fps: float | None = None
    seconds: float | None = None
    error: str | None = None
    chunks: tuple[int, int] | None = None  # (finished, planned) of a job rendered in chunks


@dataclass
class BatchView:
    """Callable event sink for ``videostyle.batch.run``; use as a context manager."""

    live_mode: bool = field(default_factory=lambda: stderr.is_terminal)
    rows: dict[str, Row] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)
    live: Live | None = None

    def __enter__(self) -> BatchView:
        if self.live_mode:
            self.live = Live(console=stderr, refresh_per_second=4, transient=False)
            self.live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live is not None:
            self.live.update(self.render())
            self.live.__exit__(None, None, None)

    def __call__(self, event: object) -> None:
        if isinstance(event, BatchStarted):
            self.rows = {plan.id: Row(plan, total=plan.frames) for plan in event.plans}
        elif isinstance(event, JobStarted):
            self.rows[event.plan.id].state = "running" if event.attempt == 1 else f"retry {event.attempt - 1}"
        elif isinstance(event, JobProgress):
            row = self.rows[event.plan.id]
            row.done, row.fps, row.chunks = event.done, event.fps, event.chunks or row.chunks
            row.total = event.total if event.total is not None else row.total
        elif isinstance(event, JobFinished):
            self._finish(self.rows[event.plan.id], event.result)
        if self.live is not None:
            self.live.update(self.render())

    def _finish(self, row: Row, result: JobResult) -> None:
        row.state, row.seconds, row.error = result.state, result.seconds, result.error
        if result.state != "failed":
            row.done = result.frames or row.total or row.done
            row.total = max(row.total or 0, row.done)
        if not self.live_mode:
            tail = f": {result.error}" if result.error else f"  {row.done} frames  {result.seconds:.1f} s"
            stderr.print(f"{result.state:7} {row.plan.id}{tail}", highlight=False, soft_wrap=True, markup=False)

    def eta(self) -> str:
        """Frames left over the rate of the frames done in this run (jobs skipped as done do not count)."""
        ran = [r for r in self.rows.values() if r.state not in ("pending", "skipped")]
        done = sum(r.done for r in ran)
        left = sum(max(0, (r.total or 0) - r.done) for r in self.rows.values() if r.state in ("pending", "running") or r.state.startswith("retry"))
        elapsed = time.monotonic() - self.started
        if not done or not left:
            return "--" if left else "0 s"
        return f"{left * elapsed / done:.0f} s"

    def render(self) -> Group:
        table = Table(box=None, header_style="bold")
        for name in ("job", "command", "state", "frames", "fps", "seconds"):
            table.add_column(name, justify="right" if name in ("frames", "fps", "seconds") else "left")
        for row in self.rows.values():
            total = row.total if row.total is not None else "?"
            state = "[red]failed[/red]" if row.state == "failed" else row.state
            if row.chunks is not None and row.state not in ("done", "skipped"):
                state += f", chunks {row.chunks[0]}/{row.chunks[1]} done"
            table.add_row(
                escape(row.plan.id), row.plan.job.command, state, f"{row.done}/{total}",
                f"{row.fps:.2f}" if row.fps else "", f"{row.seconds:.1f}" if row.seconds is not None else "",
            )
        counts = {s: sum(r.state == s for r in self.rows.values()) for s in ("done", "skipped", "failed")}
        summary = f"{counts['done']} done, {counts['skipped']} skipped, {counts['failed']} failed of {len(self.rows)}; ETA {self.eta()}"
        return Group(table, summary)


def plan_table(plans: list[Plan]) -> Table:
    """The dry-run table: what would run, from which input, to which output, how many frames."""
    table = Table(box=None, header_style="bold")
    for name in ("#", "command", "input", "output", "frames"):
        table.add_column(name, justify="right" if name in ("#", "frames") else "left")
    for number, plan in enumerate(plans, 1):
        frames = "?" if plan.frames is None else str(plan.frames)
        table.add_row(str(number), plan.job.command, escape(plan.job.input or ""), escape(plan.job.output), frames)
    return table
