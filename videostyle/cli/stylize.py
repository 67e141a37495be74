"""`videostyle stylize`: its options are the fields of the library's option classes (see cli.declare)."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import OptionError
from ..feedforward.inference_options import InferenceOptions
from ..presets import QualityOptions
from ..shared_options import DeviceOptions
from ..stylize.options import OPTIMIZATION, PreviewOptions, StyleOptions
from ..stylize.temporal_options import TemporalOptions
from ..timeline.options import ReactOptions, TimelineOptions
from ..video.options import BackgroundOptions, OutputOptions, SplitOptions
from .declare import Declaration, Engine, check_options, declare, given, head_param, job_quality
from .options import Quiet

DECLARATION = Declaration(
    engines=(
        Engine("optimization", OPTIMIZATION, (StyleOptions, TemporalOptions, PreviewOptions, TimelineOptions, ReactOptions, BackgroundOptions)),
        Engine("model", "--model", (InferenceOptions, TimelineOptions, ReactOptions, BackgroundOptions)),
    ),
    common=(QualityOptions, OutputOptions, SplitOptions, DeviceOptions),
    engine_of=lambda params: "model" if params.get("model") is not None else "optimization",
    panels={StyleOptions: "Optimization", TemporalOptions: "Video coherence (optimization)", PreviewOptions: "Optimization",
            InferenceOptions: "Trained networks (--model)", OutputOptions: "Input and output", SplitOptions: "Many workers",
            DeviceOptions: "Input and output", QualityOptions: "Input and output", TimelineOptions: "Timeline (video)", ReactOptions: "Timeline (video)",
            BackgroundOptions: "Compositing"},
    extras=lambda cls, params: {"style_images": tuple(params.get("style") or ())} if cls is InferenceOptions else {},
)

HEAD = (
    head_param("context", typer.Context),
    head_param("input", Annotated[Path, typer.Argument(help="Content image or video.", show_default=False)]),
    head_param("output", Annotated[Path, typer.Option("--output", "-o", help="Output image or video (by extension).", metavar="FILE")]),
    head_param("style", Annotated[list[Path] | None, typer.Option("--style", "-s", help="Style image; repeat to blend several.", metavar="FILE")], None),
    head_param("model", Annotated[Path | None, typer.Option(metavar="MODEL",
        help="Style network, milliseconds a frame: a file from `videostyle train` (or `train --arbitrary`, "
        "with -s), builtin:arbitrary (with -s) or builtin:0..25 (see `videostyle models`).")], None),
    head_param("quiet", Quiet, False),
)


@declare("stylize", DECLARATION, HEAD)
def stylize(context: typer.Context, **params: Any) -> None:
    """Stylize an image or a video by optimization (Gatys et al.) or with a trained network (--model)."""
    from ..device import resolve_device
    from .render import run_with_progress

    check_options("stylize", context)
    input, output, style, model, quiet = (params[k] for k in ("input", "output", "style", "model", "quiet"))
    out, split = DECLARATION.build(OutputOptions, params), DECLARATION.build(SplitOptions, params)
    if split.wanted(out.chunk):
        if params["passes"] > 1 or params.get("loop"):
            raise OptionError("--passes and --loop render the whole video in one chain, so it cannot be split: leave out --workers/--gpus")
        if params.get("style_bg") is not None:
            raise OptionError("--style-bg renders the whole video twice, so it cannot be split: leave out --workers/--gpus")
        from .chunks import render_chunked

        render_chunked(context, "stylize", input, output, out, split, quiet)
        return
    device = resolve_device(DECLARATION.build(DeviceOptions, params).device)
    engine = DECLARATION.engine_of(params)
    quality = job_quality(context, DECLARATION, engine in ("optimization",), device)
    make = partial(DECLARATION.build, params=params, given=given(context), quality=quality)
    timeline, background = make(TimelineOptions), make(BackgroundOptions)
    if model is not None:
        from ..feedforward.files import iter_apply_model_file as iter_stylize_with_model

        inference = make(InferenceOptions)
        events = iter_stylize_with_model(input, output, model, inference, out, device, timeline, make(ReactOptions), background)
    elif not style and not timeline.style_at:
        raise OptionError("give a style image with -s STYLE, or a trained network with --model MODEL.safetensors")
    else:
        from ..stylize import iter_stylize_file

        events = iter_stylize_file(
            input, output, style or [], make(StyleOptions), out, device,
            temporal=make(TemporalOptions), preview_every=make(PreviewOptions).preview_every,
            timeline=timeline, react=make(ReactOptions), background=background,
        )
    typer.echo(f"wrote {run_with_progress(events, f'stylize {input.name}', quiet)}")
