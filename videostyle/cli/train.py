"""`videostyle train`: its options are the fields of TrainOptions (see cli.declare)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..feedforward.options import TrainOptions
from ..presets import QualityOptions
from ..shared_options import DeviceOptions
from .declare import Declaration, Engine, check_options, declare, given, head_param, job_quality
from .options import Overwrite, Quiet

DECLARATION = Declaration(
    engines=(
        Engine("network", "train without --arbitrary", (TrainOptions,)),
        Engine("arbitrary", "--arbitrary", (TrainOptions,)),
    ),
    common=(QualityOptions, DeviceOptions),
    engine_of=lambda params: "arbitrary" if params.get("arbitrary") else "network",
    panels={TrainOptions: "Training", DeviceOptions: "Training", QualityOptions: "Training"},
)

HEAD = (
    head_param("context", typer.Context),
    head_param("style", Annotated[list[Path], typer.Option(
        "--style", "-s", help="Style image; repeat for a multi-style model (--arbitrary: images or folders of them).",
        metavar="FILE")]),
    head_param("data", Annotated[list[Path], typer.Option(
        "--data", help="Folder of images (e.g. COCO) or a video file; repeat to combine.", metavar="PATH")]),
    head_param("output", Annotated[Path, typer.Option("--output", "-o", help="Model file to write (.safetensors).", metavar="FILE")]),
    head_param("arbitrary", Annotated[bool, typer.Option(help="Train an AdaIN decoder for any style.")], False),
    head_param("resume", Annotated[bool, typer.Option(help="Continue from the checkpoint next to the output (MODEL.ckpt).")], False),
    head_param("overwrite", Overwrite, False),
    head_param("quiet", Quiet, False),
)


@declare("train", DECLARATION, HEAD)
def train(context: typer.Context, **params: Any) -> None:
    """Train a feed-forward style network (Johnson et al.) for `stylize --model`."""
    from ..device import resolve_device
    from ..feedforward.adain.train import iter_train_adain
    from ..feedforward.checkpoint import checkpoint_path
    from ..feedforward.johnson.train import iter_train
    from ..feedforward.training_loop import preview_folder
    from .render import run_with_progress

    check_options("train", context)
    style, data, output, quiet = (params[k] for k in ("style", "data", "output", "quiet"))
    device = resolve_device(DECLARATION.build(DeviceOptions, params).device)
    options = DECLARATION.build(TrainOptions, params, given=given(context),
                                quality=job_quality(context, DECLARATION, False, device))
    loop = iter_train_adain if params["arbitrary"] else iter_train
    events = loop(style, data, output, options, device,
                  resume=params["resume"], overwrite=params["overwrite"])
    try:
        result = run_with_progress(events, f"train {output.name}", quiet)
    except KeyboardInterrupt as stop:
        if checkpoint_path(output).is_file():
            stop.add_note(f"the checkpoint {checkpoint_path(output)} was kept; run the same command with --resume to continue")
        raise
    kept = [f"checkpoint {checkpoint_path(result)}"] if options.keep_checkpoint else []
    kept += [f"previews in {preview_folder(result)}"] if options.preview_every else []
    typer.echo(f"wrote {result}" + (f" ({'; '.join(kept)})" if kept else ""))
