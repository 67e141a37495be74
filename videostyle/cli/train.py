"""`videostyle train`: parse options, then call the library's training loop."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..device import resolve_device
from ..feedforward.adain_train import iter_train_adain
from ..feedforward.checkpoint import checkpoint_path
from ..feedforward.options import TrainOptions
from ..feedforward.train import iter_train
from ..feedforward.training_loop import preview_folder
from .declare import check_options
from .options import DEFAULT_BACKBONE, Backbone, Compile, Device, Offline, Overwrite, Precision, Quiet, Weights, split_names
from .render import run_with_progress

_TRAIN = TrainOptions()


def train(
    context: typer.Context,
    style: Annotated[list[Path], typer.Option("--style", "-s", help="Style image; repeat for a multi-style model.")],
    data: Annotated[
        list[Path], typer.Option("--data", help="Folder of images (e.g. COCO) or a video file; repeat to combine.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Model file to write (.safetensors).")],
    steps: Annotated[int, typer.Option(min=1, max=10_000_000, help="Training steps (batches).")] = _TRAIN.steps,
    size: Annotated[int, typer.Option(min=32, max=2048, help="Side of the square training crops in pixels.")] = _TRAIN.size,
    batch_size: Annotated[int, typer.Option(min=1, max=256, help="Crops per step.")] = _TRAIN.batch_size,
    content_weight: Annotated[float, typer.Option(min=0)] = _TRAIN.content_weight,
    style_weight: Annotated[float, typer.Option(min=0)] = _TRAIN.style_weight,
    tv_weight: Annotated[float, typer.Option(min=0, help="Total-variation smoothness weight.")] = _TRAIN.tv_weight,
    temporal_weight: Annotated[
        float, typer.Option(min=0, help="Stability across frames: trains on frame pairs (video) or shifted copies.")
    ] = _TRAIN.temporal_weight,
    lr: Annotated[float, typer.Option(min=0, max=1, help="Adam learning rate.")] = _TRAIN.lr,
    width_mult: Annotated[
        float, typer.Option(min=0.125, max=4, help="Channel multiplier of the network (0.5 = 4x fewer FLOPs).")
    ] = _TRAIN.width,
    style_scale: Annotated[float, typer.Option(help="Style image size relative to the crop size.")] = _TRAIN.style_scale,
    backbone: Backbone = DEFAULT_BACKBONE,
    weights: Weights = None,
    content_layers: Annotated[str | None, typer.Option(help="Comma-separated layer names.")] = None,
    style_layers: Annotated[str | None, typer.Option(help="Comma-separated layer names.")] = None,
    offline: Offline = False,
    checkpoint_every: Annotated[int, typer.Option(min=1, help="Save a checkpoint every N steps.")] = _TRAIN.checkpoint_every,
    preview_every: Annotated[int, typer.Option(min=0, help="Write a preview image every N steps (0: never).")] = _TRAIN.preview_every,
    arbitrary: Annotated[
        bool, typer.Option(help="Train an AdaIN decoder for any style (-s: style images or folders of them).")
    ] = False,
    resume: Annotated[bool, typer.Option(help="Continue from the checkpoint next to the output (MODEL.ckpt).")] = False,
    seed: Annotated[int, typer.Option(help="Random seed.")] = _TRAIN.seed,
    device: Device = "auto",
    precision: Precision = "auto",
    compile: Compile = False,
    overwrite: Overwrite = False,
    quiet: Quiet = False,
) -> None:
    """Train a feed-forward style network (Johnson et al.) for `stylize --model`."""
    check_options("train", context)
    options = TrainOptions(
        steps=steps,
        size=size,
        batch_size=batch_size,
        content_weight=content_weight,
        style_weight=style_weight,
        tv_weight=tv_weight,
        temporal_weight=temporal_weight,
        lr=lr,
        width=width_mult,
        style_scale=style_scale,
        backbone=backbone,
        weights=weights,
        download=not offline,
        content_layers=split_names(content_layers),
        style_layers=split_names(style_layers),
        checkpoint_every=checkpoint_every,
        preview_every=preview_every,
        seed=seed,
        precision=precision,
        compile=compile,
    )
    loop = iter_train_adain if arbitrary else iter_train
    events = loop(style, data, output, options, resolve_device(device), resume=resume, overwrite=overwrite)
    try:
        result = run_with_progress(events, f"train {output.name}", quiet)
    except KeyboardInterrupt as stop:
        if checkpoint_path(output).is_file():
            stop.add_note(f"the checkpoint {checkpoint_path(output)} was kept; run the same command with --resume to continue")
        raise
    previews = f"; previews in {preview_folder(result)}" if preview_every else ""
    typer.echo(f"wrote {result} (checkpoint {checkpoint_path(result)}{previews})")

