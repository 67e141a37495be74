"""Batches from Python: ``videostyle.jobs.run("jobs.toml", outdir="out")`` runs a manifest as the CLI does.

The batch layer (videostyle.batch) takes the grammar of the command lines its jobs are; this module,
above both, hands it the CLI's.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .batch import JobResult, Manifest
from .batch import prepare as _prepare
from .batch import run as _run
from .batch.validate import Plan
from .cli.grammar import GRAMMAR


def run(manifest: Manifest | str | os.PathLike, outdir: str | os.PathLike | None = None, **options: Any) -> list[JobResult]:
    """Run a batch (see videostyle.batch.execute.run for ``executor``, ``retries``, ``gpus``, ``on_event``, ...)."""
    return _run(manifest, outdir, grammar=GRAMMAR, **options)


def prepare(manifest: Manifest | str | os.PathLike, outdir: str | os.PathLike | None = None) -> tuple[Manifest, Path, list[Plan]]:
    """Load and validate a manifest without running it: (manifest, output folder, every job's plan)."""
    return _prepare(manifest, outdir, grammar=GRAMMAR)
