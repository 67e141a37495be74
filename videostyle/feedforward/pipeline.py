"""Stylize a video with a trained network on the frame driver (videostyle.video): decode, GPU work
and encode overlap on three threads.

    decode thread: frames into pinned uint8 batches, resized there for a CPU network (and, with
    --stabilize, each frame's small and grey images, handed to the flow thread) --> caller's thread:
    upload, network, stabilization, quantize, finite check, download into pinned memory --> encode
    thread: wait for the copy, encode

The caller's thread only queues GPU work and moves on (copies run non_blocking from pinned memory on
side streams of the job's device, see ``transfers``; an event tells the encoder when a batch's pixels
and its finite flag have arrived), so the GPU, the decoder, the flow thread and the encoder stay busy
at the same time: a batch costs three copies and no sync on the caller's thread, one more with
--stabilize. The network's float output goes through the stabilizer and is quantized once; a batch
that is not finite stops the job before it is written. On the CPU the same path runs in fp32 without pinning.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from concurrent.futures import Future
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch

from ..allocator import freed_memory_kept
from ..errors import InputError, OptionError, OutputError, UsageError
from ..flow import FlowOptions
from ..media import Frame, as_uint8
from ..progress import FrameProgress, LoopClosure
from ..resize import NETWORK_CAP, resize
from ..video import FramePrior, FrameSink, FrameWork, IndependentFrames, OutputOptions, ResumePoint, iter_video, open_video, video_identity
from ..timeline import Steered, TimelineOptions, numbered
from ..timeline.loop import WrapSink, wrap_clip
from ..timeline.react import ReactOptions, video_offsets
from ..timeline.schedule import Schedule
from ..timeline.steer import steer_all
from .arbitrary import NUMBERS_NEED_MULTISTYLE, keyed_alpha, keyed_style, reactive_mix, takes_style_images
from .inference import FrameStylizer, InferenceOptions
from .model_kinds import open_model
from .stabilize import FlowPlanner, Plan, Stabilizer, blend
from .transfers import HostBatch, Transfers


@dataclass
class Packed:
    """A batch as the decode thread hands it over: (N, H, W, 3) uint8 pixels (pinned when feeding a
    GPU) and, when stabilizing, the batch's flow plans being worked out on the flow thread."""

    pixels: torch.Tensor
    plans: Future[list[Plan]] | None = None


@contextmanager
def network_threads(device: torch.device) -> Iterator[None]:
    """On the CPU, the network on half of torch's threads (at least one) while a video renders, on the caller's
    thread, where freed memory is kept for reuse (``videostyle.allocator``: the command sets it).

    The decode, flow and encode threads need cores too, and with OpenMP's passive wait (see
    videostyle/__init__) each operator wakes the team's sleeping workers: on 2 cores the 26-style
    network at 384x216 took 16 ms of wall time a frame on two threads and 13 on one (in isolation),
    and the 280-frame clip of bench/bench_peer.py 7.7 -> 6.3 s, with --stabilize 9.2 -> 8.6 s
    (issue 23, alternated runs; measured on 2 cores only). But on one thread the convolutions' scratch
    buffers are freed and faulted in again every frame unless glibc keeps them: without that, one
    thread was 4-5 % slower than two, so a Python caller who has not called ``keep_freed_memory``
    keeps torch's threads. A photo, alone on the machine, keeps every thread.
    """
    if device.type != "cpu" or not freed_memory_kept():
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(max(1, before // 2))
    try:
        yield
    finally:
        torch.set_num_threads(before)


class NetworkWork(FrameWork):
    """Batches of frames through the network (and the stabilizer, if any) at ``size``."""

    def __init__(
        self,
        engine: FrameStylizer,
        size: tuple[int, int],
        batch: int,
        source: str | os.PathLike,
        stabilizer: Stabilizer | None = None,
    ) -> None:
        self.engine = engine
        self.size = size
        self.batch = batch
        self.source = source
        self.stabilizer = stabilizer
        self.transfers = Transfers(engine.device)

    def pack(self, frames: list[Frame]) -> Packed:
        """Decode thread: the frames straight into one (pinned, when feeding a GPU) uint8 buffer, resized for a CPU
        network; their flow started."""
        shape = frames[0].rgb.shape
        if any(f.rgb.shape != shape for f in frames):
            raise InputError(f"{self.source}: the frame size changes inside the video; cut it where it changes")
        pixels = torch.empty((len(frames), *shape), dtype=torch.uint8, pin_memory=self.transfers.pin)
        rgbs = [as_uint8(f.rgb) for f in frames]  # this engine works in 8 bits (deep sources are rounded)
        for row, rgb in zip(pixels, rgbs):
            row.copy_(torch.from_numpy(rgb))
        if self.engine.device.type == "cpu":
            # resized here, once, for the network and the flow: off the network's thread (a GPU resizes faster itself)
            pixels = resize(pixels.permute(0, 3, 1, 2), self.size).permute(0, 2, 3, 1)
            rgbs = list(pixels.numpy())
        plans = self.stabilizer.planner.submit(rgbs) if self.stabilizer is not None else None
        return Packed(pixels, plans)

    def run(self, packed: Packed, prior: FramePrior) -> Generator[object, None, HostBatch]:
        yield from ()
        with torch.inference_mode():
            pixels = self.transfers.upload(packed.pixels)
            images = self.engine.from_pixels(pixels, self.size)
            out = self.engine.images(images)  # queued on the GPU; the flow thread works meanwhile
            if packed.plans is not None and self.stabilizer is not None:
                self.stabilizer.prepare(packed.plans.result(), self.transfers.upload)
            frames = []
            for content, stylized in zip(images.split(1), out.split(1)):
                frames.append(blend(prior.start(content), stylized))
                prior.update(content, frames[-1])
            result = torch.cat(frames)
            finite = torch.isfinite(result).all()  # read on the encode thread, after the copy: no sync here
            quantized = result.mul_(255).round_().to(torch.uint8).permute(0, 2, 3, 1).contiguous()
            return self.transfers.download(quantized, finite)

    def unpack(self, batch: HostBatch) -> np.ndarray:
        """Encode thread: wait for the batch's copy; its frames in order, if they are finite."""
        batch.wait()
        if not bool(batch.finite):
            raise OutputError(
                f"{self.source}: the network's output is not finite (NaN or infinity), so no more frames were written; "
                "try --precision fp32 or check the model's weights"
            )
        return batch.pixels.numpy()


def iter_apply_model_video(
    source: str | os.PathLike,
    target: str | os.PathLike,
    model: str | os.PathLike | FrameStylizer,
    options: InferenceOptions = InferenceOptions(),
    output: OutputOptions = OutputOptions(),
    device: torch.device | str = "cpu",
    sink: FrameSink | None = None,
    resume: ResumePoint | None = None,
    timeline: TimelineOptions = TimelineOptions(),
    react: ReactOptions = ReactOptions(),
) -> Generator[FrameProgress | LoopClosure, None, Path]:
    """Stream ``source`` through the network into ``target`` with exact timing and the source's audio.

    ``sink`` replaces the writer of ``target``; ``resume`` continues a stopped job (see videostyle.video).
    ``timeline`` keyframes the style over the clip: style images for networks that take any style, style
    numbers for multi-style ones (builtin:0..25, trained models of several styles), and the style
    strength (``alpha_at``) of networks that take any style; ``react`` moves that strength with the
    soundtrack (the source's, or ``react.audio``, which then replaces it in the output).
    ``timeline.loop`` makes the clip loop (see timeline.loop): with --stabilize its end is pre-rolled
    and eased into, as with the optimizing engine; the last event is then the measured LoopClosure.
    """
    device = torch.device(device)
    job = open_video(source, output, cap=NETWORK_CAP)  # capped like images
    keys = timeline.style_keys()
    if keys is not None:
        if options.style_images:
            raise OptionError("give the styles either with -s (one blend for the whole clip) or with --style-at, not both")
        if keys.numbers is None:  # style images; style numbers pick among a multi-style model's own
            options = replace(options, style_images=keys.files)
        elif not isinstance(model, FrameStylizer) and takes_style_images(model):
            raise UsageError(NUMBERS_NEED_MULTISTYLE)
    react.check_targets(("alpha", "mix"), "--model")
    if timeline.loop and (timeline.keyed or react.react or resume is not None):
        raise OptionError("--loop does not take keyframes (--style-at, --alpha-at), --react or a resumed job yet")
    offsets = video_offsets(react, source, output.start, output.duration)
    if sink is None:
        reacting = (react,) if react != ReactOptions() else ()
        files = [model, *options.style_images, *([react.audio] if react.audio else [])]
        named = isinstance(model, (str, os.PathLike))
        identity = video_identity("stylize-model", source, output, options, timeline, *reacting, files=files) if named else None
        sink, found = job.writer(target, identity, resumable=not timeline.loop, audio=react.soundtrack(job.seconds))
        resume = resume or found
    engine = model if isinstance(model, FrameStylizer) else open_model(model, options, device)[0]
    planner = None
    if options.stabilize:
        planner = FlowPlanner(FlowOptions(options.flow, options.flow_preset, options.flow_weights), job.size, device)
    with planner or nullcontext(), network_threads(device):
        stabilizer = Stabilizer(planner, options.stabilize_strength, device) if planner is not None else None
        prior: FramePrior = stabilizer or IndependentFrames()
        work: FrameWork = NetworkWork(engine, job.size, options.frames_per_batch(device, job.size), source, stabilizer)
        frames, total = job.frames(), job.total
        if timeline.loop:
            frames, total, sink = wrap_clip(job.frames, sink, carried=stabilizer is not None)
        steers = [keyed_style(engine, keys)] if keys is not None else []
        mixing = offsets is not None and any(r.target == "mix" for r in offsets.reactions)
        if mixing:
            steers.append(reactive_mix(engine, offsets, keys))
        if timeline.alpha_at or (offsets is not None and any(r.target == "alpha" for r in offsets.reactions)):
            alpha = timeline.alpha() if timeline.alpha_at else Schedule.constant(options.alpha)
            steers.append(keyed_alpha(engine, alpha, offsets))
        if steers:
            frames, work = numbered(frames), Steered(work, steer_all(steers), job.total, float(job.info.fps))
        yield from iter_video(frames, work, sink, prior, total, resume)
    if isinstance(sink, WrapSink):
        yield sink.closure
    return Path(target)
