"""Several optimization runs (layers, targets, scales) shown as one progress stream."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from ..optim import Step


def renumber(offset: int, total: int) -> Callable[[Step], Step]:
    """Number a run's steps as part of a larger run of ``total`` steps that it starts at ``offset``."""
    return lambda step: dataclasses.replace(step, index=offset + step.index, total=total)
