"""Stylize a video with a trained network: decode, GPU work and encode overlap on three threads.

    decode thread --(bounded queue of pinned uint8 batches)--> caller's thread: upload, network,
    optional stabilization, download into pinned memory --(bounded queue)--> encode thread (VideoWriter)

The caller's thread only queues GPU work and moves on (copies are non_blocking from pinned memory;
a CUDA event tells the encoder when a batch's pixels have arrived), so the GPU, the decoder and
the encoder stay busy at the same time. On the CPU the same path runs in fp32 without pinning.
Stopping for any reason (an error in any stage, Ctrl-C, the generator being closed) joins both
threads and leaves no output file.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import partial
from pathlib import Path

import torch

from ..errors import InputError
from ..media import Frame, VideoWriter, probe_video, read_frames
from ..progress import FrameProgress
from ..resize import NETWORK_CAP, fit_size
from ..stylize.run import OutputOptions
from .inference import FrameStylizer, InferenceOptions
from .stabilize import Stabilizer
from .stages import Consumer, Producer

QUEUED_BATCHES = 3  # per queue: enough to ride out jitter in any stage, few enough to bound memory


@dataclass
class FrameBatch:
    """Consecutive frames as one (N, H, W, 3) uint8 tensor, with each frame's timestamp."""

    pixels: torch.Tensor
    stamps: list[tuple[int, Fraction]]
    ready: torch.cuda.Event | None = None  # set when ``pixels`` is filled by an asynchronous copy


def iter_stylize_video(
    source: str | os.PathLike,
    target: str | os.PathLike,
    model: str | os.PathLike | FrameStylizer,
    options: InferenceOptions = InferenceOptions(),
    output: OutputOptions = OutputOptions(),
    device: torch.device | str = "cpu",
) -> Generator[FrameProgress, None, Path]:
    """Stream ``source`` through the network into ``target`` with exact timing and the source's audio."""
    device = torch.device(device)
    info = probe_video(source)
    size = fit_size(info.height, info.width, output.size, cap=NETWORK_CAP, even=True)  # capped like images
    writer = VideoWriter(
        target, like=info, audio_from=source, start=output.start, duration=output.duration,
        crf=output.crf, preset=output.preset, overwrite=output.overwrite,
    )
    engine = model if isinstance(model, FrameStylizer) else FrameStylizer.from_file(model, options, device)[0]
    stabilizer = None
    if options.stabilize:
        stabilizer = Stabilizer(options.flow, options.stabilize_strength, device, options.flow_preset, options.flow_weights)
    total = info.count_frames(output.start, output.duration)
    cuda = device.type == "cuda"
    batches = decode_batches(source, output.start, output.duration, options.frames_per_batch(device), pin=cuda)
    with (
        writer,
        Producer(batches, QUEUED_BATCHES, "videostyle-decode") as decoded,
        Consumer(partial(encode_batch, writer), QUEUED_BATCHES, "videostyle-encode") as encoder,
    ):
        for batch in decoded:
            pixels = batch.pixels.to(device, non_blocking=True)
            stylized = engine.frames(pixels, size)
            if stabilizer is not None:
                stylized = stabilizer(pixels, stylized)
            encoder.put(to_host(stylized, batch.stamps, pin=cuda))
            yield FrameProgress(writer.frames_written, total)
        encoder.finish()
    yield FrameProgress(writer.frames_written, total)
    return Path(target)


def decode_batches(
    source: str | os.PathLike, start: float | None, duration: float | None, size: int, pin: bool
) -> Iterator[FrameBatch]:
    """Frames gathered ``size`` at a time straight into (pinned, when feeding a GPU) batch buffers."""
    pixels: torch.Tensor | None = None
    stamps: list[tuple[int, Fraction]] = []
    for frame in read_frames(source, start, duration):
        if pixels is None:
            pixels = torch.empty((size, *frame.rgb.shape), dtype=torch.uint8, pin_memory=pin)
        elif frame.rgb.shape != pixels.shape[1:]:
            raise InputError(f"{source}: the frame size changes inside the video; cut it where it changes")
        pixels[len(stamps)].copy_(torch.from_numpy(frame.rgb))
        stamps.append((frame.pts, frame.time_base))
        if len(stamps) == size:
            yield FrameBatch(pixels, stamps)
            pixels, stamps = None, []
    if stamps and pixels is not None:
        yield FrameBatch(pixels[: len(stamps)], stamps)


def to_host(pixels: torch.Tensor, stamps: list[tuple[int, Fraction]], pin: bool) -> FrameBatch:
    """Start copying a batch back to (pinned) host memory without waiting for it."""
    if not pin:
        return FrameBatch(pixels.cpu(), stamps)
    host = torch.empty(pixels.shape, dtype=torch.uint8, pin_memory=True)
    host.copy_(pixels, non_blocking=True)
    ready = torch.cuda.Event()
    ready.record()
    return FrameBatch(host, stamps, ready)


def encode_batch(writer: VideoWriter, batch: FrameBatch) -> None:
    """Runs on the encode thread: wait for the batch's copy, then encode its frames in order."""
    if batch.ready is not None:
        batch.ready.synchronize()
    array = batch.pixels.numpy()
    for rgb, (pts, time_base) in zip(array, batch.stamps):
        writer.write(Frame(rgb, pts, time_base))
