"""The flow methods by name (``--flow``), and ``make_flow`` that builds one."""

from __future__ import annotations

import os
from collections.abc import Callable

import torch

from ..errors import OptionError
from ..registry import Registry
from .dis import DisFlow
from .estimator import DEFAULT_PRESET, FLOW_PRESETS, FlowEstimator
from .farneback import FarnebackFlow

FlowFactory = Callable[[str, torch.device, str | os.PathLike | None], FlowEstimator]
"""(preset, device, weights) -> estimator."""


def _raft(preset: str, device: torch.device, weights: str | os.PathLike | None) -> FlowEstimator:
    from .raft import RaftFlow  # here: torchvision's model zoo takes about 1 s to import, a run without RAFT skips it

    return RaftFlow(preset, device, weights)


FLOW_FACTORIES: Registry[FlowFactory] = Registry("flow method")
FLOW_FACTORIES.register("dis", lambda preset, device, weights: DisFlow(preset))
FLOW_FACTORIES.register("farneback", lambda preset, device, weights: FarnebackFlow(preset))
FLOW_FACTORIES.register("raft", _raft)
FLOW_METHODS: tuple[str, ...] = FLOW_FACTORIES.names()


def make_flow(
    method: str = "dis",
    device: torch.device | str = "cpu",
    preset: str = DEFAULT_PRESET,
    weights: str | os.PathLike | None = None,
) -> FlowEstimator:
    """An estimator by name: dis (OpenCV DIS, default), farneback (OpenCV), raft (torchvision, local weights).

    ``preset`` trades speed for accuracy (ultrafast, fast, medium); ``weights`` is RAFT's state dict file.
    """
    if preset not in FLOW_PRESETS:
        raise OptionError(f"unknown flow preset {preset!r}; choose one of {', '.join(FLOW_PRESETS)}")
    return FLOW_FACTORIES[method](preset, torch.device(device), weights)
