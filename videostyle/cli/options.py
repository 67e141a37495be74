"""Option types of the commands written by hand (metrics, sheet) and the CLI's own flags.

Each shared type is made from the spec of the library field it stands for (cli.declare.option_type), so
an option keeps one declaration whichever command takes it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ..names import DEFAULT_FLOW_PRESET
from ..shared_options import DeviceOptions
from ..stylize.temporal_options import TemporalOptions
from ..video.options import OutputOptions
from .declare import option_type

__all__ = ["DEFAULT_FLOW", "DEFAULT_FLOW_PRESET"]

Device = option_type(DeviceOptions, "device")
Overwrite = option_type(OutputOptions, "overwrite")
Start = option_type(OutputOptions, "start")
Duration = option_type(OutputOptions, "duration")
FlowMethod = option_type(TemporalOptions, "flow")
FlowPreset = option_type(TemporalOptions, "flow_preset")
FlowWeights = option_type(TemporalOptions, "flow_weights")
DEFAULT_FLOW = TemporalOptions.__dataclass_fields__["flow"].default
"""Every command that follows optical flow starts from these (stylize, dream, --stabilize, metrics)."""
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")]
