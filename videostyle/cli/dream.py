"""`videostyle dream`: its options are the fields of the library's option classes (see cli.declare)."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer

from ..dream.options import DreamOptions, DreamVideoOptions, ZoomOptions
from ..errors import OptionError
from ..presets import QualityOptions
from ..shared_options import DeviceOptions
from ..timeline.options import ReactOptions
from ..video.options import OutputOptions, SplitOptions
from .declare import Declaration, Engine, check_options, declare, given, head_param, job_quality
from .options import Quiet

DECLARATION = Declaration(
    engines=(Engine("dream", "dream", (DreamOptions, ZoomOptions, DreamVideoOptions, ReactOptions)),),
    common=(QualityOptions, OutputOptions, SplitOptions, DeviceOptions),
    engine_of=lambda params: "dream",
    panels={DreamOptions: "Dream", ZoomOptions: "Zoom loop (a still in, a video out)", DreamVideoOptions: "Video",
            OutputOptions: "Input and output", SplitOptions: "Many workers", DeviceOptions: "Input and output",
            QualityOptions: "Input and output",
            ReactOptions: "Timeline (video)"},
)

HEAD = (
    head_param("context", typer.Context),
    head_param("input", Annotated[Path, typer.Argument(help="Image or video to dream on.", show_default=False)]),
    head_param("output", Annotated[Path, typer.Option("--output", "-o", help="Image, or video (.mp4 .webm .gif ...) for an animation.", metavar="FILE")]),
    head_param("guide", Annotated[Path | None, typer.Option(help="Guide image: grow its features on the dream layers.", metavar="FILE")], None),
    head_param("quiet", Quiet, False),
)


@declare("dream", DECLARATION, HEAD)
def dream(context: typer.Context, **params: Any) -> None:
    """DeepDream an image, make an endless zoom animation from a still, or dream a video."""
    from ..device import resolve_device
    from ..media import media_kind
    from .render import run_with_progress

    check_options("dream", context)
    input, output, guide, quiet = (params[k] for k in ("input", "output", "guide", "quiet"))
    out, split = DECLARATION.build(OutputOptions, params), DECLARATION.build(SplitOptions, params)
    if split.wanted(out.chunk):
        if media_kind(input) == "image":
            raise OptionError("the zoom loop makes each frame from the one before, so it runs on one worker: leave out --workers/--gpus")
        from .chunks import render_chunked

        render_chunked(context, "dream", input, output, out, split, quiet)
        return
    from ..dream import iter_dream_file

    device = resolve_device(DECLARATION.build(DeviceOptions, params).device)
    make = partial(DECLARATION.build, params=params, given=given(context),
                   quality=job_quality(context, DECLARATION, True, device))
    events = iter_dream_file(
        input, output, make(DreamOptions), out, device, guide=guide, react=make(ReactOptions),
        **make(ZoomOptions).arguments(), **make(DreamVideoOptions).arguments(),
    )
    typer.echo(f"wrote {run_with_progress(events, f'dream {input.name}', quiet)}")
