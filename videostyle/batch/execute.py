"""``videostyle.batch.run`` (this module, videostyle.batch.execute): validate every job, skip those already done, run the rest, return the results."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from . import outputs
from .events import BatchStarted, JobFinished, JobResult
from .journal import Journal, is_done, made_by_batch
from .lifecycle import Lifecycle
from .local import run_local, worker_gpus
from .manifest import Manifest, ManifestError, load_manifest
from .sweep import write_manifest
from .grammar import Grammar
from .validate import Plan, validate

Executor = Literal["local", "ray"]


def prepare(
    manifest: Manifest | str | os.PathLike, outdir: str | os.PathLike | None = None, *, grammar: Grammar
) -> tuple[Manifest, Path, list[Plan]]:
    """Load and validate: the manifest, the output folder (default: the manifest's folder) and every job's plan."""
    if not isinstance(manifest, Manifest):
        manifest = load_manifest(manifest)
    folder = Path(outdir).resolve() if outdir is not None else manifest.base
    return manifest, folder, validate(manifest, folder, grammar)


def run(
    manifest: Manifest | str | os.PathLike,
    outdir: str | os.PathLike | None = None,
    executor: Executor = "local",
    retries: int = 0,
    gpus: int = 0,
    ray_address: str | None = None,
    on_event: Callable[[object], None] | None = None,
    program: Sequence[str] | None = None,
    save_as: str | os.PathLike | None = None,
    *,
    grammar: Grammar,
) -> list[JobResult]:
    """Run a batch; every job is validated before any starts. Results are in manifest order.

    ``save_as`` writes the manifest there once this batch holds the output folder (a sweep's
    batch.toml: a second sweep refused because the first still runs must not replace it).
    ``program`` replaces ``python -m videostyle`` as the child command (tests use a stand-in).
    ``grammar`` parses and checks each job's command line (the CLI's own; ``videostyle.jobs.run`` passes it).
    """
    manifest, folder, plans = prepare(manifest, outdir, grammar=grammar)
    emit = on_event or (lambda event: None)
    devices = worker_gpus(gpus) if executor == "local" else []  # fail before touching anything
    if executor == "ray":
        from .ray_executor import import_ray

        import_ray()
    with Journal(folder) as journal:
        if save_as is not None:
            write_manifest(manifest, Path(save_as))
        records = journal.records
        ours = frozenset(plan.id for plan in plans if outputs.exists(plan.output) and made_by_batch(records.get(plan.id), plan.output))
        _refuse_foreign_outputs(plans, ours)
        done = {plan.id for plan in plans if is_done(records.get(plan.id), plan.output, plan.identity)}
        todo = [plan for plan in plans if plan.id not in done]
        _mark_pending(todo, journal)
        emit(BatchStarted(tuple(plans), tuple(sorted(done))))
        results = {plan.id: _skipped(plan, journal) for plan in plans if plan.id in done}
        for plan in plans:
            if plan.id in results:
                emit(JobFinished(plan, results[plan.id]))
        life = Lifecycle(folder, manifest.base, journal, emit, retries, program, ours)
        if todo and executor == "ray":
            from .ray_executor import run_ray

            ran = run_ray(todo, life, ray_address)
        elif todo:
            ran = run_local(todo, life, devices)
        else:
            ran = []
        results.update((r.job, r) for r in ran)
    return [results[plan.id] for plan in plans]


def _mark_pending(todo: list[Plan], journal: Journal) -> None:
    """Record the jobs to run. A training whose options changed loses the checkpoint it made with the
    old ones; a video job's kept segments are checked against the job's identity by the job itself."""
    for plan in todo:
        record = journal.records.get(plan.id)
        if record is not None and record.get("hash") != plan.options_hash and plan.job.command == "train":
            from ..feedforward.checkpoint import checkpoint_path  # the training engine, loaded only here

            checkpoint_path(plan.output).unlink(missing_ok=True)
        journal.write(plan.id, "pending", hash=plan.options_hash)


def _skipped(plan: Plan, journal: Journal) -> JobResult:
    record = journal.records[plan.id]
    return JobResult(plan.id, "skipped", str(plan.output), record.get("seconds", 0.0), record.get("frames"))


def _refuse_foreign_outputs(plans: list[Plan], ours: frozenset[str]) -> None:
    """An existing output that is not the file this batch wrote is the user's: never replace it silently."""
    foreign = [
        f"job {plan.id}: {plan.output} already exists and is not the file this batch wrote; "
        "move it away, or set overwrite = true to replace it"
        for plan in plans
        if outputs.exists(plan.output) and plan.id not in ours and "--overwrite" not in plan.argv
    ]
    if foreign:
        raise ManifestError(foreign)


__all__ = ["Executor", "prepare", "run"]
