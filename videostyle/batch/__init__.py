"""Batch processing: many jobs from a manifest or a sweep, a journal that survives crashes, local or Ray executors."""

from ..lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    ".events": ("BatchStarted", "JobFinished", "JobProgress", "JobResult", "JobStarted"),
    ".journal": ("read_records",),
    ".manifest": ("Job", "Manifest", "ManifestError", "load_manifest"),
    ".execute": ("prepare", "run"),
    ".sweep": ("sweep_manifest", "write_manifest"),
})
