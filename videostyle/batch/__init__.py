"""Batch processing: many jobs from a manifest or a sweep, a journal that survives crashes, local or Ray executors."""

from .events import BatchStarted, JobFinished, JobProgress, JobResult, JobStarted
from .journal import read_records
from .manifest import Job, Manifest, ManifestError, load_manifest
from .run import prepare, run
from .sweep import sweep_manifest, write_manifest

__all__ = [
    "BatchStarted",
    "Job",
    "JobFinished",
    "JobProgress",
    "JobResult",
    "JobStarted",
    "Manifest",
    "ManifestError",
    "load_manifest",
    "prepare",
    "read_records",
    "run",
    "sweep_manifest",
    "write_manifest",
]
