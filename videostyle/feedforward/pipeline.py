"""Stylize a video with a trained network on the frame driver (videostyle.video): decode, GPU work
and encode overlap on three threads.

    decode thread: frames into pinned uint8 batches --> caller's thread: upload, network, optional
    stabilization, quantize, download into pinned memory --> encode thread: wait for the copy, encode

The caller's thread only queues GPU work and moves on (copies are non_blocking from pinned memory;
a CUDA event tells the encoder when a batch's pixels have arrived), so the GPU, the decoder and
the encoder stay busy at the same time. The network's float output goes through the stabilizer
and is quantized once. On the CPU the same path runs in fp32 without pinning.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..errors import InputError
from ..flow import FlowOptions
from ..media import Frame
from ..progress import FrameProgress
from ..resize import NETWORK_CAP
from ..video import FramePrior, FrameSink, FrameWork, IndependentFrames, OutputOptions, ResumePoint, iter_video, open_video, video_identity
from .inference import FrameStylizer, InferenceOptions
from .stabilize import Stabilizer, blend


@dataclass
class HostBatch:
    """Finished frames as one (N, H, W, 3) uint8 tensor on the host, ``ready`` once an async copy landed."""

    pixels: torch.Tensor
    ready: torch.cuda.Event | None = None


class NetworkWork(FrameWork):
    """Batches of frames through the network (and the prior: the stabilizer, or nothing) at ``size``."""

    def __init__(self, engine: FrameStylizer, size: tuple[int, int], batch: int, source: str | os.PathLike) -> None:
        self.engine = engine
        self.size = size
        self.batch = batch
        self.source = source
        self.pin = engine.device.type == "cuda"

    def pack(self, frames: list[Frame]) -> torch.Tensor:
        """Decode thread: the frames straight into one (pinned, when feeding a GPU) uint8 buffer."""
        shape = frames[0].rgb.shape
        if any(f.rgb.shape != shape for f in frames):
            raise InputError(f"{self.source}: the frame size changes inside the video; cut it where it changes")
        pixels = torch.empty((len(frames), *shape), dtype=torch.uint8, pin_memory=self.pin)
        for row, frame in zip(pixels, frames):
            row.copy_(torch.from_numpy(frame.rgb))
        return pixels

    def run(self, pixels: torch.Tensor, prior: FramePrior) -> Generator[object, None, HostBatch]:
        yield from ()
        with torch.inference_mode():
            pixels = pixels.to(self.engine.device, non_blocking=True)
            images = self.engine.from_pixels(pixels, self.size)
            out = self.engine.images(images)
            frames = []
            for content, stylized in zip(images.split(1), out.split(1)):
                frames.append(blend(prior.start(content), stylized))
                prior.update(content, frames[-1])
            quantized = torch.cat(frames).mul_(255).round_().to(torch.uint8).permute(0, 2, 3, 1).contiguous()
            return self.to_host(quantized)

    def to_host(self, pixels: torch.Tensor) -> HostBatch:
        """Start copying a batch back to (pinned) host memory without waiting for it."""
        if not self.pin:
            return HostBatch(pixels.cpu())
        host = torch.empty(pixels.shape, dtype=torch.uint8, pin_memory=True)
        host.copy_(pixels, non_blocking=True)
        ready = torch.cuda.Event()
        ready.record()
        return HostBatch(host, ready)

    def unpack(self, batch: HostBatch) -> np.ndarray:
        """Encode thread: wait for the batch's copy; its frames in order."""
        if batch.ready is not None:
            batch.ready.synchronize()
        return batch.pixels.numpy()


def iter_stylize_video(
    source: str | os.PathLike,
    target: str | os.PathLike,
    model: str | os.PathLike | FrameStylizer,
    options: InferenceOptions = InferenceOptions(),
    output: OutputOptions = OutputOptions(),
    device: torch.device | str = "cpu",
    sink: FrameSink | None = None,
    resume: ResumePoint | None = None,
) -> Generator[FrameProgress, None, Path]:
    """Stream ``source`` through the network into ``target`` with exact timing and the source's audio.

    ``sink`` replaces the writer of ``target``; ``resume`` continues a stopped job (see videostyle.video).
    """
    device = torch.device(device)
    job = open_video(source, output, cap=NETWORK_CAP)  # capped like images
    if sink is None:
        identity = video_identity("stylize-model", source, output, options, files=[model]) if isinstance(model, (str, os.PathLike)) else None
        sink, found = job.writer(target, identity)
        resume = resume or found
    engine = model if isinstance(model, FrameStylizer) else FrameStylizer.from_file(model, options, device)[0]
    prior: FramePrior = IndependentFrames()
    if options.stabilize:
        flow = FlowOptions(options.flow, options.flow_preset, options.flow_weights)
        prior = Stabilizer(flow, options.stabilize_strength, device)
    work = NetworkWork(engine, job.size, options.frames_per_batch(device), source)
    yield from iter_video(job.frames(), work, sink, prior, job.total, resume)
    return Path(target)
