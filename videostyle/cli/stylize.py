"""`videostyle stylize`: parse options, then call the library."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from ..device import resolve_device
from ..errors import OptionError
from ..feedforward.files import iter_stylize_file as iter_stylize_with_model
from ..feedforward.inference import InferenceOptions
from ..stylize import OutputOptions, StyleOptions, TemporalOptions, iter_stylize_file
from .options import (
    Backbone, Crf, Device, Duration, FlowMethod, FlowPreset, FlowWeights, Offline, Overwrite, Preset, Quiet, Size,
    Start, Weights, split_floats, split_names,
)
from .applies import STYLIZE_RULES, job_of, refuse_inapplicable
from .render import run_with_progress


_TEMPORAL = TemporalOptions()


def stylize(
    context: typer.Context,
    input: Annotated[Path, typer.Argument(help="Content image or video.", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output image or video (by extension).")],
    style: Annotated[
        list[Path] | None, typer.Option("--style", "-s", help="Style image; repeat to blend several.")
    ] = None,
    model: Annotated[
        Path | None, typer.Option(help="Trained style network (videostyle train): feed-forward, milliseconds a frame.")
    ] = None,
    style_index: Annotated[int | None, typer.Option(min=0, help="--model: which of its styles.")] = None,
    style_mix: Annotated[str | None, typer.Option(help="--model: blend of its styles, e.g. 0.5,0.5.")] = None,
    stabilize: Annotated[bool, typer.Option(help="--model: blend in the previous frame along optical flow.")] = False,
    batch_size: Annotated[int | None, typer.Option(min=1, max=256, help="--model: frames per batch.")] = None,
    style_weights: Annotated[str | None, typer.Option(help="Blend weights of the styles, e.g. 0.7,0.3.")] = None,
    style_scale: Annotated[float, typer.Option(help="Style image size relative to the working size.")] = 1.0,
    preserve_color: Annotated[bool, typer.Option(help="Keep the content's colors (luminance-only transfer).")] = False,
    size: Size = None,
    iterations: Annotated[int, typer.Option(min=1, max=100_000, help="Optimization steps per image or frame.")] = 200,
    content_weight: Annotated[float, typer.Option(min=0)] = 1.0,
    style_weight: Annotated[float, typer.Option(min=0)] = 1.0e3,
    tv_weight: Annotated[float, typer.Option(min=0, help="Total-variation smoothness weight.")] = 300.0,
    optimizer: Annotated[Literal["adam", "lbfgs"], typer.Option(help="adam: fast steps; lbfgs: cleanest stills.")] = "adam",
    lr: Annotated[float | None, typer.Option(help="Learning rate (default 0.02 for adam, 1 for lbfgs).")] = None,
    init: Annotated[
        Literal["warped", "content", "noise", "previous"],
        typer.Option(help="Start image. Video: warped = last result moved by optical flow; previous = as is."),
    ] = "warped",
    scales: Annotated[int, typer.Option(min=1, max=6, help="Coarse-to-fine scales (1 = single scale).")] = 1,
    seed: Annotated[int | None, typer.Option(help="Random seed for noise init.")] = None,
    backbone: Backbone = "efficientnet-lite0",
    weights: Weights = None,
    content_layers: Annotated[str | None, typer.Option(help="Comma-separated layer names.")] = None,
    style_layers: Annotated[str | None, typer.Option(help="Comma-separated layer names.")] = None,
    offline: Offline = False,
    device: Device = "auto",
    no_temporal: Annotated[
        bool, typer.Option("--no-temporal", help="Video: independent frames (no warped init, no temporal loss).")
    ] = False,
    temporal_weight: Annotated[
        float, typer.Option(min=0, help="Video: pull towards the warped previous result (0: warped init only).")
    ] = _TEMPORAL.weight,
    flow: FlowMethod = _TEMPORAL.flow,
    flow_preset: FlowPreset = _TEMPORAL.flow_preset,
    flow_weights: FlowWeights = None,
    warm_iterations: Annotated[
        int | None, typer.Option(min=1, max=100_000, help="Video: steps of a flow-warped frame (default iterations/2).")
    ] = None,
    long_term: Annotated[
        int, typer.Option(min=1, max=5, help="Video: earlier frames the temporal loss remembers (1, 2, 4, ... back).")
    ] = _TEMPORAL.long_term,
    passes: Annotated[
        int, typer.Option(min=1, max=20, help="Video: bidirectional passes (Ruder's multi-pass; frames wait on disk).")
    ] = _TEMPORAL.passes,
    pass_iterations: Annotated[
        int | None, typer.Option(min=1, max=100_000, help="Video: steps per frame in passes after the first.")
    ] = None,
    pass_blend: Annotated[
        float, typer.Option(min=0, max=1, help="Video, --passes: weight of the warped neighbour in each frame's start.")
    ] = _TEMPORAL.blend,
    scene_cuts: Annotated[bool, typer.Option(help="Video: restart the temporal prior at detected scene cuts.")] = True,
    start: Start = None,
    duration: Duration = None,
    crf: Crf = 18,
    preset: Preset = "medium",
    overwrite: Overwrite = False,
    quiet: Quiet = False,
) -> None:
    """Stylize an image or a video by optimization (Gatys et al.) or with a trained network (--model)."""
    refuse_inapplicable(context, STYLIZE_RULES, job_of("model" if model is not None else "optimization", input, output))
    if model is not None:
        mix = split_floats(style_mix, "--style-mix")
        ff = InferenceOptions(
            style_index=style_index, style_mix=mix, batch_size=batch_size, stabilize=stabilize,
            flow=flow, flow_preset=flow_preset, flow_weights=flow_weights,
        )
        out = OutputOptions(size=size, overwrite=overwrite, start=start, duration=duration, crf=crf, preset=preset)
        events = iter_stylize_with_model(input, output, model, ff, out, resolve_device(device))
        typer.echo(f"wrote {run_with_progress(events, f'stylize {input.name}', quiet)}")
        return
    if not style:
        raise OptionError("give a style image with -s STYLE, or a trained network with --model MODEL.safetensors")
    options = StyleOptions(
        backbone=backbone,
        weights=weights,
        download=not offline,
        content_layers=split_names(content_layers),
        style_layers=split_names(style_layers),
        content_weight=content_weight,
        style_weight=style_weight,
        tv_weight=tv_weight,
        iterations=iterations,
        optimizer=optimizer,
        lr=lr,
        init=init,
        style_scale=style_scale,
        style_blend=split_floats(style_weights, "--style-weights"),
        preserve_color=preserve_color,
        scales=scales,
        seed=seed,
    )
    temporal = TemporalOptions(
        enabled=not no_temporal,
        flow=flow,
        flow_preset=flow_preset,
        flow_weights=flow_weights,
        weight=temporal_weight,
        long_term=long_term,
        warm_iterations=warm_iterations,
        passes=passes,
        pass_iterations=pass_iterations,
        blend=pass_blend,
        scene_cuts=scene_cuts,
    )
    out = OutputOptions(size=size, overwrite=overwrite, start=start, duration=duration, crf=crf, preset=preset)
    events = iter_stylize_file(input, output, style, options, out, resolve_device(device), temporal=temporal)
    result = run_with_progress(events, f"stylize {input.name}", quiet)
    typer.echo(f"wrote {result}")
