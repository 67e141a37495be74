"""Stylize image and video files end to end: read, stylize, write atomically, yield progress.

``iter_*`` functions are generators of progress events that return the result; the plain
functions run them to the end, for Python callers who need no progress display.
"""

from __future__ import annotations

import os
from contextlib import nullcontext
from functools import partial
from collections.abc import Generator, Sequence
from pathlib import Path

import torch

from ..device import as_device
from ..errors import OptionError
from ..flow import FlowEstimator
from ..flow.ahead import ContentFlows
from ..media import read_image, same_kind
from ..media.atomic import check_writable
from ..optim import Step
from ..progress import FrameProgress, LoopClosure, drain
from ..resize import fit_size, resize
from ..timeline import Steered, TimelineOptions, numbered
from ..timeline.loop import WrapSink, wrap_clip
from ..timeline.react import ReactOptions, video_offsets
from ..video import (
    FramePrior,
    FrameSink,
    IndependentFrames,
    OutputOptions,
    PreviousFrame,
    ResumePoint,
    WithGenerator,
    iter_video,
    open_video,
    video_identity,
)
from ..video.crossfade import fade_window
from ..video.driver import FrameWork
from ..video.backdrop import BackgroundOptions, iter_over_backdrop, with_base
from ..video.still_job import open_still, write_still_result
from .fade import SharedFlows, fade_into_next
from .inits import INIT_STARTS
from .multipass import iter_multipass
from .options import StyleOptions
from .preview import PreviewSink, preview_path, preview_steps
from .steering import StyleTransition, keyed_styles, style_steer
from .stylizer import Stylizer
from .temporal import Restyle, StyleLevel, StylizeWork, WarpedPrior, flows_ahead
from .temporal_options import TemporalOptions

DEFAULT_CAP = 1024  # long side when --size is not given: optimization cost grows with pixels


def load_styles(styles: Sequence[str | os.PathLike | torch.Tensor]) -> list[torch.Tensor]:
    if not styles:
        raise OptionError("give at least one style image (-s STYLE)")
    return [s if isinstance(s, torch.Tensor) else read_image(s) for s in styles]


def iter_stylize_image(
    content: torch.Tensor,
    styles: Sequence[str | os.PathLike | torch.Tensor],
    options: StyleOptions = StyleOptions(),
    size: int | None = None,
    device: torch.device | str = "auto",
    preview: Path | None = None,
    preview_every: int = 0,
) -> Generator[Step, None, torch.Tensor]:
    """Stylize a (1,3,H,W) image in [0,1]; yields optimization steps, returns the image on the CPU.

    With ``preview`` and ``preview_every`` > 0 the image being optimized is written there every so many steps.
    """
    device = as_device(device)
    h, w = content.shape[-2:]
    content = resize(content.to(device), fit_size(h, w, size, cap=DEFAULT_CAP))
    stylizer = Stylizer(load_styles(styles), options, device)
    steps = stylizer.run(content)
    if preview is not None and preview_every > 0:
        steps = preview_steps(steps, preview, preview_every)
    result = yield from steps
    return result.cpu()


def stylize_image(
    content: torch.Tensor,
    styles: Sequence[str | os.PathLike | torch.Tensor],
    options: StyleOptions = StyleOptions(),
    size: int | None = None,
    device: torch.device | str = "auto",
) -> torch.Tensor:
    return drain(iter_stylize_image(content, styles, options, size, device))


def make_prior(
    options: StyleOptions,
    temporal: TemporalOptions = TemporalOptions(),
    device: torch.device | str = "cpu",
    flow: FlowEstimator | ContentFlows | None = None,
    restyle: Restyle | None = None,
) -> FramePrior:
    """Independent frames (or plain previous-frame init) without temporal coherence, else the flow-warped prior.

    ``flow`` is the estimator to use, or planned pairs (``flows_ahead``); default: the one ``temporal`` names, made here.
    ``restyle`` carries earlier results across style keyframes (see steering.StyleTransition).
    """
    if not temporal.temporal:
        return PreviousFrame() if INIT_STARTS[options.init].flowless else IndependentFrames()
    flow = flow or temporal.flow_options.estimator(device)
    return WarpedPrior(
        flow, temporal.temporal_weight * options.temporal_factor, temporal.long_term, options.init, temporal.scene_cuts,
        gray=options.preserve_color, reliable_rate=temporal.reliable_rate,
        pool=temporal.temporal_pool, detail=temporal.temporal_detail, restyle=restyle,
    )


def iter_stylize_video(
    source: str | os.PathLike,
    target: str | os.PathLike,
    styles: Sequence[str | os.PathLike | torch.Tensor],
    options: StyleOptions = StyleOptions(),
    output: OutputOptions = OutputOptions(),
    device: torch.device | str = "auto",
    prior: FramePrior | None = None,
    temporal: TemporalOptions = TemporalOptions(),
    sink: FrameSink | None = None,
    resume: ResumePoint | None = None,
    preview_every: int = 0,
    timeline: TimelineOptions = TimelineOptions(),
    react: ReactOptions = ReactOptions(),
) -> Generator[FrameProgress | LoopClosure, None, Path]:
    """Stream a video through the stylizer into ``target``: frames flow decoder -> stylizer -> encoder.

    Timestamps, frame rate and audio are kept; the output appears only when complete. ``temporal``
    ties frames together by optical flow; with several passes the frames wait on disk in between.
    ``sink`` replaces the writer of ``target``; ``resume`` continues a stopped job (see videostyle.video).
    ``preview_every`` > 0 also writes every so many finished frames to TARGET.preview.png.
    ``timeline`` keyframes the style blend and strength over the clip (see videostyle.timeline);
    ``react`` moves the strength with the soundtrack (the source's, or ``react.audio``, which then
    replaces it in the output; see timeline.react). With ``timeline.loop`` the clip's end is pre-rolled
    and eased into so that it loops (see timeline.loop); the last event is then the measured LoopClosure.
    """
    device = as_device(device)
    job = open_video(source, output, cap=DEFAULT_CAP)
    multipass = temporal.temporal and temporal.passes > 1
    styles = keyed_styles(styles, timeline)
    if multipass and (timeline.keyed or react.react):
        raise OptionError("--passes does not take keyframes (--style-at, --strength-at) or --react yet; leave out one or the other")
    react.check_targets(("strength",), "the optimizing engine")
    if timeline.loop and (multipass or timeline.keyed or react.react or resume is not None):
        raise OptionError("--loop does not take --passes, keyframes (--style-at, --strength-at), --react or a resumed job yet")
    offsets = video_offsets(react, source, output.start, output.duration)
    if sink is None:  # every pass must finish before the first frame is written: nothing to resume
        reacting = (react,) if react != ReactOptions() else ()
        identity = video_identity("stylize", source, output, options, temporal, timeline, *reacting, files=[*styles, *([react.audio] if react.audio else [])])
        sink, found = job.writer(target, identity, resumable=not (multipass or timeline.loop), audio=react.soundtrack(job.seconds))
        resume = resume or found
    if preview_every > 0:
        sink = PreviewSink(sink, check_writable(preview_path(target), output.overwrite), preview_every)
    stylizer = Stylizer(load_styles(styles), options, device)
    if multipass:
        if resume is not None:
            raise OptionError("--passes cannot resume a stopped job; run it again from the start")
        flow = temporal.flow_options.estimator(device)
        prior = prior or make_prior(options, temporal, device, flow)
        yield from iter_multipass(stylizer, prior, flow, job, sink, temporal, Path(target))
    else:
        ahead = flows_ahead(temporal, device) if temporal.temporal and prior is None else None
        transition = StyleTransition(stylizer, timeline)
        first = resume.frames_done if resume else 0
        window = fade_window(output.chunk, output.fade, first) if ahead is not None else None
        shared = SharedFlows(ahead) if ahead is not None and window is not None else None
        level = StyleLevel(prior or make_prior(options, temporal, device, shared or ahead, transition))
        own = StylizeWork(stylizer, job.size, temporal, level=level, ahead=ahead)
        work: FrameWork = own
        if shared is not None and window is not None:  # a chunk fading into the next one's warm-up
            work = fade_into_next(own, make_prior(options, temporal, device, shared.follower(), transition), window, first)
        frames, total = job.frames(), job.total
        if timeline.keyed or offsets is not None:
            frames, work = numbered(frames), Steered(work, style_steer(stylizer, timeline, offsets, transition), job.total, float(job.info.fps))
        if timeline.loop:
            frames, total, sink = wrap_clip(job.frames, sink)
        with ahead or nullcontext():
            yield from iter_video(frames, work, sink, WithGenerator(level, stylizer.generator), total, resume)
        if isinstance(sink, WrapSink):
            yield sink.closure
    return Path(target)


def iter_stylize_file(
    source: str | os.PathLike,
    target: str | os.PathLike,
    styles: Sequence[str | os.PathLike | torch.Tensor],
    options: StyleOptions = StyleOptions(),
    output: OutputOptions = OutputOptions(),
    device: torch.device | str = "auto",
    temporal: TemporalOptions = TemporalOptions(),
    preview_every: int = 0,
    timeline: TimelineOptions = TimelineOptions(),
    react: ReactOptions = ReactOptions(),
    background: BackgroundOptions = BackgroundOptions(),
) -> Generator[Step | FrameProgress | LoopClosure, None, Path]:
    """Image -> image or video -> video, chosen by the files' extensions (``temporal``, ``timeline``: videos only).

    ``preview_every`` > 0 writes TARGET.preview.png every so many steps (stills) or frames (videos).
    ``background.style_bg`` styles where the mask is black (see video.backdrop).
    """
    background.check_with(output)
    if background.style_bg is not None and (timeline.keyed or react.react):
        raise OptionError("--style-bg renders the background with one style and strength: leave out --style-at, --strength-at and --react")
    if same_kind(source, target) == "video":
        video = partial(iter_stylize_video, source, options=options, device=device, temporal=temporal, timeline=timeline, react=react)
        if background.style_bg is None:
            return (yield from video(target, styles, output=output, preview_every=preview_every))
        return (yield from iter_over_backdrop(
            lambda out, to: video(to, [background.style_bg], output=out),
            lambda out: video(target, styles, output=out, preview_every=preview_every), target, output,
        ))
    if react.react or react.audio:
        raise OptionError("--react and --audio follow a soundtrack over time; the input is a still image")
    if timeline.keyed or timeline.loop:
        raise OptionError("keyframes (--style-at, --strength-at) and --loop make a video; the input is a still image")
    check_writable(target, output.overwrite)
    still = open_still(source, target, output.mask, output.display_referred)
    content, styles = still.content, load_styles(styles)
    preview = check_writable(preview_path(target), output.overwrite) if preview_every > 0 else None  # never a user's file
    result = yield from iter_stylize_image(content, styles, options, output.size, device, preview, preview_every)
    if background.style_bg is not None:
        still = with_base(still, (yield from iter_stylize_image(content, [background.style_bg], options, output.size, device)))
    write_still_result(result, still, target, overwrite=output.overwrite)
    return Path(target)


def stylize_video(
    source: str | os.PathLike,
    target: str | os.PathLike,
    styles: Sequence[str | os.PathLike | torch.Tensor],
    options: StyleOptions = StyleOptions(),
    output: OutputOptions = OutputOptions(),
    device: torch.device | str = "auto",
    temporal: TemporalOptions = TemporalOptions(),
) -> Path:
    return drain(iter_stylize_video(source, target, styles, options, output, device, temporal=temporal))
