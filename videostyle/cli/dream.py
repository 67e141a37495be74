"""`videostyle dream`: parse options, then call the library."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Annotated

import typer

from ..device import resolve_device
from ..dream import DreamOptions, Motion, iter_dream_file, parse_channel, parse_layer, parse_schedule
from ..errors import OptionError
from ..flow import FlowOptions
from ..media import media_kind
from ..video import OutputOptions
from ..video.options import DEFAULT_PREROLL
from .applies import check_options
from .chunks import ChunkRange, ExecutorOption, Gpus, RayAddress, Preroll, Workers, chunk_of, render_chunked, wants_chunks
from .options import (
    WorkDir,
    DEFAULT_BACKBONE, DEFAULT_FLOW, DEFAULT_FLOW_PRESET, Backbone, Crf, Device, Duration, FlowMethod, FlowPreset,
    FlowWeights, Offline, Overwrite, Preset, Quiet, Size, Start, Weights, Compile, Precision,
)
from .render import run_with_progress

_DREAM = DreamOptions()
SCHEDULE_HELP = "A number, a START:END ramp over the animation, or FRAME:VALUE,FRAME:VALUE keyframes."


def parse_fps(text: str | None) -> Fraction | None:
    if text is None:
        return None
    try:
        fps = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise OptionError(f"--fps must be a number or a ratio like 30000/1001, not {text!r}") from None
    if not 0 < fps <= 1000:
        raise OptionError(f"--fps {text} is out of range (0, 1000]")
    return fps


def parse_motion(zoom: str | None, rotate: str | None, translate: str | None) -> Motion | None:
    if zoom is None and rotate is None and translate is None:
        return None
    default = Motion()
    motion = Motion(
        zoom=parse_schedule(zoom, 1, "--zoom") if zoom is not None else default.zoom,
        rotate=parse_schedule(rotate, 1, "--rotate") if rotate is not None else default.rotate,
        translate=parse_schedule(translate, 2, "--translate") if translate is not None else default.translate,
    )
    if any(z <= 0 for (z,) in (point for _, point in motion.zoom.points)):
        raise OptionError(f"--zoom {zoom} must stay above 0 (1 = no zoom, 1.05 = 5% closer per frame)")
    return motion


def dream(
    context: typer.Context,
    input: Annotated[Path, typer.Argument(help="Image or video to dream on.", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Image, or video (.mp4 .webm .gif ...) for an animation.")],
    layer: Annotated[
        list[str] | None, typer.Option(help="Layer to amplify, optionally weighted: block7 or block7:0.5; repeat for several.")
    ] = None,
    channel: Annotated[list[str] | None, typer.Option(help="One channel to amplify, LAYER:INDEX like block10:42; repeatable.")] = None,
    class_: Annotated[str | None, typer.Option("--class", help="ImageNet class to amplify, by name (tabby) or index (281).")] = None,
    guide: Annotated[Path | None, typer.Option(help="Guide image: grow its features on the dream layers.")] = None,
    octaves: Annotated[int, typer.Option(min=1, max=12, help="Octaves (scales) dreamed, smallest first.")] = _DREAM.octaves,
    octave_scale: Annotated[
        float, typer.Option(min=1.05, max=4.0, help="Size ratio between octaves.")
    ] = _DREAM.octave_scale,
    steps: Annotated[int, typer.Option(min=1, max=10_000, help="Gradient-ascent steps per octave.")] = _DREAM.steps,
    step_size: Annotated[
        float, typer.Option(min=1e-5, max=1.0, help="Mean pixel change per step (pixels are 0..1).")
    ] = _DREAM.step_size,
    jitter: Annotated[int, typer.Option(min=0, max=512, help="Random shift in pixels before each step.")] = _DREAM.jitter,
    tile: Annotated[
        int, typer.Option(min=64, max=8192, help="Tile side in pixels: larger images are dreamed tile by tile.")
    ] = _DREAM.tile,
    size: Size = None,
    frames: Annotated[int | None, typer.Option(min=1, max=100_000, help="Zoom loop: frames to make from a still.")] = None,
    zoom: Annotated[str | None, typer.Option(help=f"Zoom loop: zoom per frame (>1 moves in; default 1.05). {SCHEDULE_HELP}")] = None,
    rotate: Annotated[str | None, typer.Option(help=f"Zoom loop: degrees counter-clockwise per frame. {SCHEDULE_HELP}")] = None,
    translate: Annotated[
        str | None, typer.Option(help="Zoom loop: pixels dx,dy the picture moves per frame; ramps 0,0:4,2, keyframes 0:0,0;50:4,2.")
    ] = None,
    fps: Annotated[str | None, typer.Option(help="Zoom loop: frame rate, e.g. 30 or 30000/1001 (default 30).")] = None,
    loop: Annotated[bool, typer.Option("--loop", help="Zoom loop: end seamlessly on the first frame (prints the loop-closure change).")] = False,
    no_temporal: Annotated[
        bool, typer.Option("--no-temporal", help="Video: dream every frame afresh (nothing carried along the flow).")
    ] = False,
    flow: FlowMethod = DEFAULT_FLOW,
    flow_preset: FlowPreset = DEFAULT_FLOW_PRESET,
    flow_weights: FlowWeights = None,
    carried_steps: Annotated[
        int | None, typer.Option(min=1, max=10_000, help="Video: steps per octave of a flow-carried frame (default steps/10, at least 1).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed of the jitter, for repeatable dreams.")] = _DREAM.seed,
    backbone: Backbone = DEFAULT_BACKBONE,
    weights: Weights = None,
    offline: Offline = False,
    device: Device = "auto",
    precision: Precision = "auto",
    compile: Compile = False,
    start: Start = None,
    duration: Duration = None,
    crf: Crf = 18,
    preset: Preset = "medium",
    overwrite: Overwrite = False,
    work_dir: WorkDir = None,
    workers: Workers = 1,
    gpus: Gpus = 0,
    preroll: Preroll = DEFAULT_PREROLL,
    chunk: ChunkRange = None,
    executor: ExecutorOption = "local",
    ray_address: RayAddress = None,
    quiet: Quiet = False,
) -> None:
    """DeepDream an image, make an endless zoom animation from a still, or dream a video."""
    check_options("dream", context)
    out = OutputOptions(
        size=size, overwrite=overwrite, start=start, duration=duration, crf=crf, preset=preset, work_dir=work_dir,
        chunk=chunk_of(chunk), preroll=preroll,
    )
    if wants_chunks(workers, gpus, chunk, executor):
        if media_kind(input) == "image":
            raise OptionError("the zoom loop makes each frame from the one before, so it runs on one worker: leave out --workers/--gpus")
        render_chunked(context, "dream", input, output, out, workers, gpus, quiet, executor, ray_address)
        return
    options = DreamOptions(
        backbone=backbone,
        weights=weights,
        download=not offline,
        layers=tuple(parse_layer(text) for text in layer or ()),
        channels=tuple(parse_channel(text) for text in channel or ()),
        class_name=class_,
        octaves=octaves,
        octave_scale=octave_scale,
        steps=steps,
        step_size=step_size,
        jitter=jitter,
        tile=tile,
        seed=seed,
        precision=precision,
        compile=compile,
    )
    events = iter_dream_file(
        input, output, options, out, resolve_device(device),
        guide=guide, motion=parse_motion(zoom, rotate, translate), frames=frames, fps=parse_fps(fps),
        flow=None if no_temporal else FlowOptions(flow, flow_preset, flow_weights),
        carried_steps=carried_steps, loop=loop,
    )
    result = run_with_progress(events, f"dream {input.name}", quiet)
    typer.echo(f"wrote {result}")
