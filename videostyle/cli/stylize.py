"""`videostyle stylize`: parse options, then call the library."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from ..device import resolve_device
from ..stylize import OutputOptions, StyleOptions, iter_stylize_file
from .options import Backbone, Device, Overwrite, Quiet, Size, split_floats, split_names
from .render import run_with_progress


def stylize(
    input: Annotated[Path, typer.Argument(help="Content image or video.", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output image or video (by extension).")],
    style: Annotated[list[Path], typer.Option("--style", "-s", help="Style image; repeat to blend several.")],
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
        Literal["content", "noise", "previous"], typer.Option(help="Start image; previous: the last stylized frame.")
    ] = "content",
    scales: Annotated[int, typer.Option(min=1, max=6, help="Coarse-to-fine scales (1 = single scale).")] = 1,
    seed: Annotated[int | None, typer.Option(help="Random seed for noise init.")] = None,
    backbone: Backbone = "efficientnet-lite0",
    weights: Annotated[Path | None, typer.Option(help="Local state dict for the backbone.")] = None,
    content_layers: Annotated[str | None, typer.Option(help="Comma-separated layer names.")] = None,
    style_layers: Annotated[str | None, typer.Option(help="Comma-separated layer names.")] = None,
    offline: Annotated[bool, typer.Option(help="Never download weights.")] = False,
    device: Device = "auto",
    start: Annotated[float | None, typer.Option(min=0, help="Video: start time in seconds.")] = None,
    duration: Annotated[float | None, typer.Option(min=0, help="Video: seconds to process.")] = None,
    crf: Annotated[int, typer.Option(min=0, max=51, help="H.264 quality (lower is better).")] = 18,
    preset: Annotated[str, typer.Option(help="x264 preset, ultrafast..veryslow.")] = "medium",
    overwrite: Overwrite = False,
    quiet: Quiet = False,
) -> None:
    """Stylize an image or a video by optimization (Gatys et al.)."""
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
    out = OutputOptions(size=size, overwrite=overwrite, start=start, duration=duration, crf=crf, preset=preset)
    events = iter_stylize_file(input, output, style, options, out, resolve_device(device))
    result = run_with_progress(events, f"stylize {input.name}", quiet)
    typer.echo(f"wrote {result}")
