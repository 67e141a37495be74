"""`videostyle stylize`: parse options, then call the library."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from ..color import PALETTES
from ..device import resolve_device
from ..errors import OptionError
from ..feedforward.files import iter_stylize_file as iter_stylize_with_model
from ..feedforward.inference import InferenceOptions
from ..stylize import StyleOptions, TemporalOptions, iter_stylize_file
from ..timeline import TimelineOptions
from ..video import OutputOptions
from ..video.options import DEFAULT_PREROLL
from ..stylize.options import INITS
from ..stylize.style_targets import STYLE_LOSSES
from .options import (
    WorkDir,
    Compile, Precision,
    DEFAULT_BACKBONE, Backbone, Crf, Device, Duration, FlowMethod, FlowPreset, FlowWeights, Offline, Overwrite, Preset,
    Quiet, Size, Start, Weights, split_floats, split_names,
)
from .applies import check_options
from .chunks import ChunkRange, ExecutorOption, Gpus, RayAddress, Preroll, Workers, chunk_of, render_chunked, wants_chunks
from .render import run_with_progress

_STYLE = StyleOptions()
_TEMPORAL = TemporalOptions()


def stylize(
    context: typer.Context,
    input: Annotated[Path, typer.Argument(help="Content image or video.", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output image or video (by extension).")],
    style: Annotated[
        list[Path] | None, typer.Option("--style", "-s", help="Style image; repeat to blend several.")
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(
            help="Style network, milliseconds a frame: a file from `videostyle train` (or `train --arbitrary`, "
            "with -s), builtin:arbitrary (with -s) or builtin:0..25 (see `videostyle models`)."
        ),
    ] = None,
    alpha: Annotated[
        float, typer.Option(min=0, max=1, help="--model with -s: style strength, 0 = the content's own style.")
    ] = 1.0,
    style_index: Annotated[int | None, typer.Option(min=0, help="--model: which of its styles.")] = None,
    style_mix: Annotated[str | None, typer.Option(help="--model: blend of its styles, e.g. 0.5,0.5.")] = None,
    stabilize: Annotated[bool, typer.Option(help="--model: blend in the previous frame along optical flow.")] = False,
    stabilize_strength: Annotated[
        float, typer.Option(min=0, max=0.99, help="--stabilize: weight of the warped previous frame.")
    ] = InferenceOptions.stabilize_strength,
    batch_size: Annotated[int | None, typer.Option(min=1, max=256, help="--model: frames per batch.")] = None,
    style_weights: Annotated[str | None, typer.Option(help="Blend weights of the styles, e.g. 0.7,0.3.")] = None,
    style_at: Annotated[
        list[str] | None,
        typer.Option(help="Video: style keyframe TIME:STYLE (TIME a frame, 8s or 1:30), repeat, e.g. --style-at 0:a.jpg --style-at 8s:b.jpg; replaces -s."),
    ] = None,
    strength_at: Annotated[
        list[str] | None, typer.Option(help="Video: --style-strength keyframe TIME:VALUE, repeat.")
    ] = None,
    ease: Annotated[
        Literal["linear", "smooth", "hold"], typer.Option(help="Video: how keyframed values move between keyframes.")
    ] = "linear",
    style_scale: Annotated[float, typer.Option(help="Style image size relative to the working size.")] = _STYLE.style_scale,
    preserve_color: Annotated[
        bool, typer.Option(help="Keep the content's colors (luminance-only transfer).")
    ] = _STYLE.preserve_color,
    style_strength: Annotated[
        float | None,
        typer.Option(min=0, max=1.5, help="How much style, 0..1 (up to 1.5); 1 is the default look, 0 a tint. Sets the style and TV weights."),
    ] = None,
    style_loss: Annotated[
        Literal[STYLE_LOSSES],  # type: ignore[valid-type]
        typer.Option(help="Style statistics: gram (Gatys), meancov, smoothed (softmax Gram), sliced (Wasserstein)."),
    ] = _STYLE.style_loss,
    color_init: Annotated[
        bool, typer.Option(help="Start from the content recolored to the style's palette (stills, first frame).")
    ] = _STYLE.color_init,
    palette: Annotated[
        Literal[tuple(PALETTES)],  # type: ignore[valid-type]
        typer.Option(help="How --color-init recolors: tones (keeps the content's light and dark order) or linear (RGB mean and covariance, the old start)."),
    ] = _STYLE.palette,
    structure_weight: Annotated[
        float, typer.Option(min=0, help="Hold the content's luminance structure (its shapes, at any tone); 0: off.")
    ] = _STYLE.structure_weight,
    size: Size = None,
    steps: Annotated[int, typer.Option(min=1, max=100_000, help="Optimization steps per image or frame.")] = _STYLE.steps,
    content_weight: Annotated[float, typer.Option(min=0)] = _STYLE.content_weight,
    style_weight: Annotated[float, typer.Option(min=0)] = _STYLE.style_weight,
    tv_weight: Annotated[float, typer.Option(min=0, help="Total-variation smoothness weight.")] = _STYLE.tv_weight,
    optimizer: Annotated[
        Literal["adam", "lbfgs"], typer.Option(help="adam: fast steps; lbfgs: cleanest stills.")
    ] = _STYLE.optimizer,
    lr: Annotated[float | None, typer.Option(help="Learning rate (default 0.02 for adam, 1 for lbfgs).")] = _STYLE.lr,
    init: Annotated[
        Literal[INITS],  # type: ignore[valid-type]
        typer.Option(help="Start image. Video: warped = last result moved by optical flow; previous = as is."),
    ] = _STYLE.init,
    scales: Annotated[int, typer.Option(min=1, max=6, help="Coarse-to-fine scales (1 = single scale).")] = _STYLE.scales,
    tile: Annotated[
        int,
        typer.Option(min=256, max=16384, help="Tile side in pixels: larger images are optimized tile by tile, with whole-image style statistics."),
    ] = _STYLE.tile,
    seed: Annotated[int | None, typer.Option(help="Random seed for noise init.")] = _STYLE.seed,
    backbone: Backbone = DEFAULT_BACKBONE,
    weights: Weights = None,
    content_layers: Annotated[str | None, typer.Option(help="Comma-separated layer names.")] = None,
    style_layers: Annotated[str | None, typer.Option(help="Comma-separated layer names.")] = None,
    offline: Offline = False,
    device: Device = "auto",
    precision: Precision = "auto",
    compile: Compile = False,
    no_temporal: Annotated[
        bool, typer.Option("--no-temporal", help="Video: independent frames (no warped init, no temporal loss).")
    ] = False,
    temporal_weight: Annotated[
        float, typer.Option(min=0, help="Video: pull towards the warped previous result (0: warped init only).")
    ] = _TEMPORAL.weight,
    temporal_pool: Annotated[
        int, typer.Option(min=1, max=32, help="Video: hold colors and shapes at this window size (1: every pixel).")
    ] = _TEMPORAL.pool,
    temporal_detail: Annotated[
        float, typer.Option(min=0, max=1, help="Video: share of the temporal weight that also holds each pixel.")
    ] = _TEMPORAL.detail,
    reliable_rate: Annotated[
        float, typer.Option(min=0.001, max=1, help="Video: step size of reliably warped pixels, vs new ones.")
    ] = _TEMPORAL.reliable_rate,
    flow: FlowMethod = _TEMPORAL.flow,
    flow_preset: FlowPreset = _TEMPORAL.flow_preset,
    flow_weights: FlowWeights = None,
    warm_steps: Annotated[
        int | None, typer.Option(min=1, max=100_000, help="Video: steps of a flow-warped frame (default steps/2).")
    ] = _TEMPORAL.warm_iterations,
    warm_limit: Annotated[
        int | None,
        typer.Option(min=1, max=100_000, help="Video: most steps of a flow-warped frame catching up with the first frame's style (default 2x steps)."),
    ] = _TEMPORAL.warm_limit,
    long_term: Annotated[
        int, typer.Option(min=1, max=5, help="Video: earlier frames the temporal loss remembers (1, 2, 4, ... back).")
    ] = _TEMPORAL.long_term,
    passes: Annotated[
        int, typer.Option(min=1, max=20, help="Video: bidirectional passes (Ruder's multi-pass; frames wait on disk).")
    ] = _TEMPORAL.passes,
    pass_steps: Annotated[
        int | None, typer.Option(min=1, max=100_000, help="Video: steps per frame in passes after the first.")
    ] = _TEMPORAL.pass_iterations,
    pass_blend: Annotated[
        float, typer.Option(min=0, max=1, help="Video, --passes: weight of the warped neighbour in each frame's start.")
    ] = _TEMPORAL.blend,
    scene_cuts: Annotated[
        bool, typer.Option(help="Video: restart the temporal prior at detected scene cuts.")
    ] = _TEMPORAL.scene_cuts,
    start: Start = None,
    duration: Duration = None,
    crf: Crf = 18,
    preset: Preset = "medium",
    overwrite: Overwrite = False,
    work_dir: WorkDir = None,
    preview_every: Annotated[
        int, typer.Option(min=0, max=10_000_000, help="Write OUT.preview.png beside OUT every N steps (stills) or frames (video); 0: never.")
    ] = 0,
    workers: Workers = 1,
    gpus: Gpus = 0,
    preroll: Preroll = DEFAULT_PREROLL,
    chunk: ChunkRange = None,
    executor: ExecutorOption = "local",
    ray_address: RayAddress = None,
    quiet: Quiet = False,
) -> None:
    """Stylize an image or a video by optimization (Gatys et al.) or with a trained network (--model)."""
    check_options("stylize", context)
    out = OutputOptions(
        size=size, overwrite=overwrite, start=start, duration=duration, crf=crf, preset=preset, work_dir=work_dir,
        chunk=chunk_of(chunk), preroll=preroll,
    )
    if wants_chunks(workers, gpus, chunk, executor):
        if passes > 1:
            raise OptionError("--passes renders the whole video in every pass, so it cannot be split: leave out --workers/--gpus")
        render_chunked(context, "stylize", input, output, out, workers, gpus, quiet, executor, ray_address)
        return
    timeline = TimelineOptions(style_at=tuple(style_at or ()), strength_at=tuple(strength_at or ()), ease=ease)
    if model is not None:
        mix = split_floats(style_mix, "--style-mix")
        ff = InferenceOptions(
            style_index=style_index, style_mix=mix, batch_size=batch_size, precision=precision, compile=compile,
            stabilize=stabilize,
            stabilize_strength=stabilize_strength,
            flow=flow, flow_preset=flow_preset, flow_weights=flow_weights, style_images=tuple(style or ()),
            style_blend=split_floats(style_weights, "--style-weights"), alpha=alpha, preserve_color=preserve_color,
        )
        events = iter_stylize_with_model(input, output, model, ff, out, resolve_device(device), timeline)
        typer.echo(f"wrote {run_with_progress(events, f'stylize {input.name}', quiet)}")
        return
    if not style and not style_at:
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
        steps=steps,
        optimizer=optimizer,
        lr=lr,
        init=init,
        style_scale=style_scale,
        style_blend=split_floats(style_weights, "--style-weights"),
        preserve_color=preserve_color,
        scales=scales,
        tile=tile,
        seed=seed,
        style_strength=style_strength,
        style_loss=style_loss,
        color_init=color_init,
        precision=precision,
        compile=compile,
        palette=palette,
        structure_weight=structure_weight,
    )
    temporal = TemporalOptions(
        enabled=not no_temporal,
        flow=flow,
        flow_preset=flow_preset,
        flow_weights=flow_weights,
        weight=temporal_weight,
        pool=temporal_pool,
        detail=temporal_detail,
        reliable_rate=reliable_rate,
        long_term=long_term,
        warm_iterations=warm_steps,
        warm_limit=warm_limit,
        passes=passes,
        pass_iterations=pass_steps,
        blend=pass_blend,
        scene_cuts=scene_cuts,
    )
    events = iter_stylize_file(
        input, output, style or [], options, out, resolve_device(device), temporal=temporal, preview_every=preview_every,
        timeline=timeline,
    )
    result = run_with_progress(events, f"stylize {input.name}", quiet)
    typer.echo(f"wrote {result}")
