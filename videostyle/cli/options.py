"""Option types of the commands not yet declared from option classes (train, visualize, metrics, sheet).

Each is made from the spec of the library field it stands for (cli.declare.option_type), so an option
keeps one declaration whichever command takes it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import OptionError
from ..names import DEFAULT_BACKBONE, DEFAULT_FLOW_PRESET
from ..shared_options import DeviceOptions
from ..stylize.options import StyleOptions
from ..stylize.temporal_options import TemporalOptions
from ..video.options import OutputOptions
from .declare import option_type

__all__ = ["DEFAULT_BACKBONE", "DEFAULT_FLOW", "DEFAULT_FLOW_PRESET"]

Device = option_type(DeviceOptions, "device")
Precision = option_type(StyleOptions, "precision")
Compile = option_type(StyleOptions, "compile")
Backbone = option_type(StyleOptions, "backbone")
Weights = option_type(StyleOptions, "weights")
Offline = option_type(StyleOptions, "offline")
Overwrite = option_type(OutputOptions, "overwrite")
Start = option_type(OutputOptions, "start")
Duration = option_type(OutputOptions, "duration")
FlowMethod = option_type(TemporalOptions, "flow")
FlowPreset = option_type(TemporalOptions, "flow_preset")
FlowWeights = option_type(TemporalOptions, "flow_weights")
DEFAULT_FLOW = TemporalOptions.__dataclass_fields__["flow"].default
"""Every command that follows optical flow starts from these (stylize, dream, --stabilize, metrics)."""
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")]


def split_names(text: str | None) -> tuple[str, ...] | None:
    """'a,b , c' -> ('a', 'b', 'c'); None stays None."""
    if text is None:
        return None
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    if not names:
        raise OptionError(f"expected a comma-separated list of names, got {text!r}")
    return names
