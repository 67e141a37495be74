"""Option types shared by several commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from ..backbones import BACKBONES, DEFAULT_BACKBONE  # noqa: F401 - the commands import the default from here
from ..errors import OptionError
from ..flow import FLOW_METHODS, FLOW_PRESETS, FlowOptions
from ..precision import PRECISIONS

Device = Annotated[str, typer.Option("--device", help="auto, cpu, cuda or cuda:N.")]
Precision = Annotated[
    Literal[PRECISIONS],  # type: ignore[valid-type]
    typer.Option(
        "--precision",
        help="Network arithmetic: auto = bf16 on a CUDA GPU that has it (and for --model on a CPU with bf16 units, AMX), "
        "else fp32; fp16: --model only; losses stay fp32.",
    ),
]
Compile = Annotated[bool, typer.Option("--compile", help="torch.compile the network: a slow first step, faster ones after.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")]
Overwrite = Annotated[bool, typer.Option("--overwrite", help="Replace an existing output file.")]
Size = Annotated[
    int | None,
    typer.Option("--size", min=16, max=8192, help="Working and output long side in pixels (even for video)."),
]
Weights = Annotated[Path | None, typer.Option(help="Local state dict for the backbone.")]
Offline = Annotated[bool, typer.Option(help="Never download weights.")]
Start = Annotated[float | None, typer.Option(min=0, help="Video: start time in seconds.")]
Duration = Annotated[float | None, typer.Option(min=0, help="Video: seconds to process.")]
Crf = Annotated[int, typer.Option(min=0, max=51, help="H.264 quality (lower is better).")]
Preset = Annotated[str, typer.Option(help="x264 preset, ultrafast..veryslow.")]
# Choices come from the registries (Literal[tuple] lists the tuple's items), so they are written once.
Backbone = Annotated[
    Literal[tuple(BACKBONES)],  # type: ignore[valid-type]
    typer.Option("--backbone", help="Pretrained network; efficientnet-lite0 works offline."),
]


def split_names(text: str | None) -> tuple[str, ...] | None:
    """'a,b , c' -> ('a', 'b', 'c'); None stays None."""
    if text is None:
        return None
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    if not names:
        raise OptionError(f"expected a comma-separated list of names, got {text!r}")
    return names


def split_floats(text: str | None, what: str) -> tuple[float, ...] | None:
    """'0.7,0.3' -> (0.7, 0.3) with a clear error for anything else."""
    if text is None:
        return None
    try:
        return tuple(float(v) for v in text.split(","))
    except ValueError:
        raise OptionError(f"{what} must be comma-separated numbers like 0.7,0.3, not {text!r}") from None


FlowMethod = Annotated[
    Literal[FLOW_METHODS],  # type: ignore[valid-type]
    typer.Option("--flow", help="Optical flow: dis (fast, default), farneback, raft (needs local weights)."),
]
FlowPreset = Annotated[
    Literal[FLOW_PRESETS],  # type: ignore[valid-type]
    typer.Option("--flow-preset", help="Flow speed/accuracy trade-off."),
]
DEFAULT_FLOW, DEFAULT_FLOW_PRESET = FlowOptions().method, FlowOptions().preset
"""Every command that follows optical flow starts from these (stylize, dream, --stabilize)."""
FlowWeights = Annotated[Path | None, typer.Option("--flow-weights", help="--flow raft: local state dict file.")]
WorkDir = Annotated[
    Path | None,
    typer.Option(
        "--work-dir",
        help="Video: write the output in resumable segments in a private folder inside DIR; a rerun with the same "
        "DIR continues after the last intact segment made from the same input, styles and options (.mp4 .mov .mkv).",
    ),
]
