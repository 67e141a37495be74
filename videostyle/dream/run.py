"""Dream image and video files end to end: read, dream, write atomically, yield progress.

One entry point, ``iter_dream_file``, picks the job from the files' extensions and the options:
image -> image (one dream), image -> video (the zoom loop), video -> video (flow-carried dreaming).
``iter_*`` functions are generators of progress events that return the result; ``dream_file``
runs them to the end for Python callers who need no progress display.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from contextlib import nullcontext
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import torch

from ..device import as_device
from ..errors import OptionError
from ..flow import FlowOptions
from ..flow.ahead import FlowsAhead
from ..media import media_kind, read_image
from ..media.atomic import check_writable
from ..optim import Step
from ..progress import FrameProgress, LoopClosure, drain
from ..resize import fit_size, resize
from ..identity import JobIdentity, job_identity
from ..timeline import Steered, numbered
from ..timeline.react import ReactOptions, reaction_offsets, video_offsets
from ..video import (
    FramePrior,
    FrameSink,
    FrameWork,
    IndependentFrames,
    OutputOptions,
    ResumePoint,
    WithGenerator,
    iter_video,
    open_sink,
    open_video,
    video_identity,
)
from ..video.still_job import open_still, write_still_result
from .animate import Motion, iter_zoom_loop
from .dreamer import Dreamer
from .loop import LoopSink, loop_overlap
from .options import DreamOptions
from .react import react_steer
from .video import DreamWork, FlowCarry

DEFAULT_CAP = 1024  # long side when --size is not given: every step costs a forward and backward pass
DEFAULT_FRAMES = 60
DEFAULT_FPS = Fraction(30)


def iter_dream_image(
    image: torch.Tensor, dreamer: Dreamer, size: int | None = None
) -> Generator[Step, None, torch.Tensor]:
    """Dream a (1,3,H,W) image in [0,1]; yields loop steps, returns the dream on the CPU."""
    image = resize(image.to(dreamer.device), fit_size(*image.shape[-2:], size, cap=DEFAULT_CAP))
    result = yield from dreamer.run(image)
    return result.cpu()


def iter_dream_animation(
    image: torch.Tensor,
    target: str | os.PathLike,
    dreamer: Dreamer,
    motion: Motion = Motion(),
    frames: int = DEFAULT_FRAMES,
    fps: Fraction = DEFAULT_FPS,
    output: OutputOptions = OutputOptions(),
    sink: FrameSink | None = None,
    resume: ResumePoint | None = None,
    identity: JobIdentity | None = None,
    loop: bool = False,
    react: ReactOptions = ReactOptions(),
) -> Generator[FrameProgress | LoopClosure, None, Path]:
    """The zoom loop from a still ``image`` into the video ``target``: ``frames`` frames at ``fps``.

    ``sink`` replaces the writer of ``target``; ``resume`` continues a stopped job (see videostyle.video)
    whose kept frames were made with ``identity`` (default: these arguments). With ``loop`` the end
    leads seamlessly into the start (see dream.loop) and the last event is the measured LoopClosure.
    ``react`` moves the zoom, rotation and step size with ``react.audio``, which becomes the soundtrack.
    """
    if not 1 <= frames <= 100_000:
        raise OptionError(f"--frames {frames} is out of range 1..100000")
    if loop and (frames < 3 or output.work_dir is not None or resume is not None):
        raise OptionError("--loop needs at least 3 frames and dreams its first frames last, so it cannot resume: leave out --work-dir")
    if loop and react.react:
        raise OptionError("--react follows the music from start to end; a --loop cannot, leave out one of them")
    react.check_targets(("zoom", "rotate", "step"), "a zoom animation")
    offsets = reaction_offsets(react, [i / float(fps) for i in range(frames)])
    size = fit_size(*image.shape[-2:], output.size, cap=DEFAULT_CAP, even=True)
    start = resize(image.to(dreamer.device), size)
    if sink is None:
        identity = identity or zoom_identity(dreamer.options, motion, frames, fps, output, [image], loop, react)
        sink, found = open_sink(target, output, fps=fps, identity=identity, audio_from=react.soundtrack(frames / float(fps)))
        resume = resume or found
    if not loop:
        yield from iter_zoom_loop(start, dreamer, motion, frames, sink, fps, resume, offsets)
        return Path(target)
    overlap = loop_overlap(frames)
    looped = LoopSink(sink, frames, overlap, warmup=overlap)
    yield from iter_zoom_loop(start, dreamer, motion, looped.total, looped, fps)
    yield looped.closure
    return Path(target)


def zoom_identity(
    options: DreamOptions,
    motion: Motion,
    frames: int,
    fps: Fraction,
    output: OutputOptions,
    files: list[object],
    loop: bool = False,
    react: ReactOptions = ReactOptions(),
) -> JobIdentity:
    """What a zoom loop's frames are made from: the start image and guide (``files``), the soundtrack
    it reacts to and every setting."""
    settings = (options, motion, frames, str(fps), replace(output, overwrite=False, work_dir=None), *(("loop",) if loop else ()))
    reacting = (react,) if react != ReactOptions() else ()
    return job_identity("dream-zoom", *settings, *reacting, files=[*files, *([react.audio] if react.audio else [])])


def iter_dream_video(
    source: str | os.PathLike,
    target: str | os.PathLike,
    dreamer: Dreamer,
    prior: FramePrior,
    carried_steps: int | None = None,
    output: OutputOptions = OutputOptions(),
    sink: FrameSink | None = None,
    resume: ResumePoint | None = None,
    identity: JobIdentity | None = None,
    react: ReactOptions = ReactOptions(),
) -> Generator[FrameProgress, None, Path]:
    """Dream every frame of ``source`` into ``target``, keeping timestamps and audio.

    A frame the ``prior`` gives a start image for (the flow-carried dream) is dreamed with
    ``carried_steps`` per octave; the others from their content with the full steps. ``sink``
    replaces the writer of ``target``; ``resume`` continues a stopped job (see videostyle.video) whose
    kept frames were made with ``identity`` (default: these arguments). ``react`` moves the step size
    with the soundtrack (the source's, or ``react.audio``, which then replaces it in the output).
    """
    job = open_video(source, output, cap=DEFAULT_CAP)
    react.check_targets(("step",), "a dreamed video")
    offsets = video_offsets(react, source, output.start, output.duration)
    if sink is None:
        reacting = (react,) if react != ReactOptions() else ()
        identity = identity or video_identity("dream", source, output, dreamer.options, carried_steps, type(prior).__name__, *reacting)
        sink, found = job.writer(target, identity, audio=react.soundtrack(job.seconds))
        resume = resume or found
    flows = prior.flows if isinstance(prior, FlowCarry) else None
    ahead = flows if isinstance(flows, FlowsAhead) else None
    work: FrameWork = DreamWork(dreamer, job.size, carried_steps, ahead)
    frames = job.frames()
    if offsets is not None:
        frames, work = numbered(frames), Steered(work, react_steer(dreamer, offsets), job.total, float(job.info.fps))
    with ahead or nullcontext():
        yield from iter_video(frames, work, sink, WithGenerator(prior, dreamer.generator), job.total, resume)
    return Path(target)


def iter_dream_file(
    source: str | os.PathLike,
    target: str | os.PathLike,
    options: DreamOptions = DreamOptions(),
    output: OutputOptions = OutputOptions(),
    device: torch.device | str = "auto",
    guide: str | os.PathLike | torch.Tensor | None = None,
    motion: Motion | None = None,
    frames: int | None = None,
    fps: Fraction | None = None,
    flow: str | FlowOptions | None = "dis",
    carried_steps: int | None = None,
    loop: bool = False,
    react: ReactOptions = ReactOptions(),
) -> Generator[Step | FrameProgress | LoopClosure, None, Path]:
    """Image -> image, image -> zoom animation, or video -> video, chosen by the files' extensions.

    ``motion``, ``frames`` and ``fps`` shape the zoom loop (a still source and a video target);
    ``flow`` (an estimator name or FlowOptions, or None to dream every frame on its own) and ``carried_steps``
    (steps per octave of a flow-carried frame; default a tenth of the steps, at least 1:
    more makes the dream grow stronger frame after frame) apply to video sources. ``loop`` makes the zoom
    animation seamless (dream.loop). ``react`` moves settings with the music (timeline.react) and may
    give the output's soundtrack.
    """
    kind_in, kind_out = media_kind(source), media_kind(target, for_output=True)
    animated = motion is not None or frames is not None or fps is not None
    if kind_in == "video" and kind_out == "image":
        raise OptionError(f"cannot turn video {source} into image {target}; use a video output")
    if kind_in == "video" and animated:
        raise OptionError("--frames, --fps, --zoom, --rotate and --translate make a zoom loop from a still image, not a video")
    if loop and not (kind_in == "image" and kind_out == "video"):
        raise OptionError("--loop makes a seamless zoom animation from a still image into a video output")
    if kind_in == "image" and kind_out == "image" and animated:
        raise OptionError(f"an animation needs a video output (.mp4, .webm or .gif), not {target}")
    if kind_out != "video" and (react.react or react.audio):
        raise OptionError("--react and --audio need a video output")
    if kind_in == "image" and kind_out == "video" and output.mask is not None:
        raise OptionError("--mask applies to image-to-image and video jobs, not to a zoom loop")
    if kind_in == "image" and (output.start is not None or output.duration is not None):
        raise OptionError("--start and --duration apply to video inputs")
    if carried_steps is not None and not 1 <= carried_steps <= 10_000:
        raise OptionError(f"--carried-steps {carried_steps} is out of range 1..10000")
    check_writable(target, output.overwrite)
    guide_image = read_image(guide) if isinstance(guide, (str, os.PathLike)) else guide
    still = open_still(source, target, output.mask, output.display_referred) if kind_in == "image" else None  # bad input fails before the network loads
    image = still.content if still is not None else None
    device = as_device(device)
    dreamer = Dreamer(options, device, guide_image)
    if image is None:
        prior: FramePrior = IndependentFrames()
        if flow is not None:
            prior = FlowCarry(FlowsAhead((FlowOptions(flow) if isinstance(flow, str) else flow).estimator(device)))
        carried = carried_steps or max(1, options.steps // 10)
        reacting = (react,) if react != ReactOptions() else ()
        files = [*([guide] if guide is not None else []), *([react.audio] if react.audio else [])]
        identity = video_identity("dream", source, output, options, carried, flow, *reacting, files=files)
        return (yield from iter_dream_video(source, target, dreamer, prior, carried, output, identity=identity, react=react))
    if kind_out == "video":
        motion, frames, fps = motion or Motion(), frames or DEFAULT_FRAMES, fps or DEFAULT_FPS
        identity = zoom_identity(options, motion, frames, fps, output, [source, *([guide] if guide is not None else [])], loop, react)
        events = iter_dream_animation(image, target, dreamer, motion, frames, fps, output, identity=identity, loop=loop, react=react)
        return (yield from events)
    result = yield from iter_dream_image(image, dreamer, output.size)
    write_still_result(result, still, target, overwrite=output.overwrite)
    return Path(target)


def dream_file(source: str | os.PathLike, target: str | os.PathLike, **kwargs: object) -> Path:
    """``iter_dream_file`` run to the end, without progress."""
    return drain(iter_dream_file(source, target, **kwargs))  # type: ignore[arg-type]
