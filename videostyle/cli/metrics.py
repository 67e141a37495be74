"""`videostyle metrics`: temporal stability of a stylized video, as JSON on stdout."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from .options import DEFAULT_FLOW, DEFAULT_FLOW_PRESET, Device, Duration, FlowMethod, FlowPreset, FlowWeights, Quiet, Start


def metrics(
    input_video: Annotated[Path, typer.Argument(help="The video that was stylized.", show_default=False)],
    stylized_video: Annotated[Path, typer.Argument(help="The stylized video.", show_default=False)],
    flow: FlowMethod = DEFAULT_FLOW,
    flow_preset: FlowPreset = DEFAULT_FLOW_PRESET,
    flow_weights: FlowWeights = None,
    device: Device = "auto",
    start: Start = None,
    duration: Duration = None,
    quiet: Quiet = False,
) -> None:
    """Warping error E_warp (Lai et al. 2018) of the stylized video and of the input itself (lower = steadier)."""
    from ..device import resolve_device
    from ..metrics import iter_warping_error
    from .render import run_with_progress

    events = iter_warping_error(
        input_video, stylized_video, flow, flow_preset, flow_weights, resolve_device(device), start, duration
    )
    result = run_with_progress(events, f"metrics {stylized_video.name}", quiet)
    typer.echo(json.dumps(result, indent=2))
