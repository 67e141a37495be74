"""`videostyle train`: parse options, then call the library's training loop."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..device import resolve_device
from ..feedforward.checkpoint import checkpoint_path
from ..feedforward.options import TrainOptions
from ..feedforward.train import iter_train, preview_folder
from .options import Backbone, Device, Offline, Overwrite, Quiet, Weights, split_names
from .render import run_with_progress


def train(
    style: Annotated[list[Path], typer.Option("--style", "-s", help="Style image; repeat for a multi-style model.")],
    data: Annotated[
        list[Path], typer.Option("--data", help="Folder of images (e.g. COCO) or a video file; repeat to combine.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Model file to write (.safetensors).")],
    steps: Annotated[int, typer.Option(min=1, max=10_000_000, help="Training steps (batches).")] = 4000,
    size: Annotated[int, typer.Option(min=32, max=2048, help="Side of the square training crops in pixels.")] = 256,
    batch_size: Annotated[int, typer.Option(min=1, max=256, help="Crops per step.")] = 4,
    content_weight: Annotated[float, typer.Option(min=0)] = 1.0,
    style_weight: Annotated[float, typer.Option(min=0)] = 3.0,
    tv_weight: Annotated[float, typer.Option(min=0, help="Total-variation smoothness weight.")] = 10.0,
    temporal_weight: Annotated[
        float, typer.Option(min=0, help="Stability across frames: trains on frame pairs (video) or shifted copies.")
    ] = 0.0,
    lr: Annotated[float, typer.Option(min=0, max=1, help="Adam learning rate.")] = 1e-3,
    width: Annotated[float, typer.Option(min=0.125, max=4, help="Channel multiplier (0.5 = 4x fewer FLOPs).")] = 1.0,
    style_scale: Annotated[float, typer.Option(help="Style image size relative to the crop size.")] = 1.0,
    backbone: Backbone = "efficientnet-lite0",
    weights: Weights = None,
    content_layers: Annotated[str | None, typer.Option(help="Comma-separated layer names.")] = None,
    style_layers: Annotated[str | None, typer.Option(help="Comma-separated layer names.")] = None,
    offline: Offline = False,
    checkpoint_every: Annotated[int, typer.Option(min=1, help="Save a checkpoint every N steps.")] = 200,
    preview_every: Annotated[int, typer.Option(min=0, help="Write a preview image every N steps (0: never).")] = 200,
    resume: Annotated[bool, typer.Option(help="Continue from the checkpoint next to the output (MODEL.ckpt).")] = False,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    device: Device = "auto",
    overwrite: Overwrite = False,
    quiet: Quiet = False,
) -> None:
    """Train a feed-forward style network (Johnson et al.) for `stylize --model`."""
    options = TrainOptions(
        steps=steps,
        size=size,
        batch_size=batch_size,
        content_weight=content_weight,
        style_weight=style_weight,
        tv_weight=tv_weight,
        temporal_weight=temporal_weight,
        lr=lr,
        width=width,
        style_scale=style_scale,
        backbone=backbone,
        weights=weights,
        download=not offline,
        content_layers=split_names(content_layers),
        style_layers=split_names(style_layers),
        checkpoint_every=checkpoint_every,
        preview_every=preview_every,
        seed=seed,
    )
    events = iter_train(style, data, output, options, resolve_device(device), resume=resume, overwrite=overwrite)
    try:
        result = run_with_progress(events, f"train {output.name}", quiet)
    except KeyboardInterrupt as stop:
        if checkpoint_path(output).is_file():
            stop.add_note(f"the checkpoint {checkpoint_path(output)} was kept; run the same command with --resume to continue")
        raise
    previews = f"; previews in {preview_folder(result)}" if preview_every else ""
    typer.echo(f"wrote {result} (checkpoint {checkpoint_path(result)}{previews})")

