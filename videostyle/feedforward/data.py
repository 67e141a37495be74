"""Endless random training crops from image folders and video files, a bounded pool at a time.

Nothing is loaded whole: each pass draws a pool of pictures (image files at random; frames of a
video by reservoir sampling over one decoding pass of a random window), shrinks them to just above
the crop size, and serves several random crops and flips of each before drawing the next pool.
Memory stays at ``pool`` small pictures whatever the size of the data. For temporal training each
picture comes with the next one (the next video frame, or a still shifted by a few pixels) and the
flow between them, computed once per pool.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..errors import InputError, OptionError
from ..flow import consistency_weights, inside_frame, make_flow
from ..media import IMAGE_EXTS, VIDEO_EXTS, Frame, frame_to_tensor, probe_video, read_frames, read_image
from ..resize import resize
from ..video.stages import Producer

VIDEO_WINDOW_S = 60.0  # one pass decodes at most this much of a video, so long films stay cheap per pass
SCALE_RANGE = (1.0, 1.5)  # short side of a pooled picture, in crop sizes: crops cover 2/3 to all of it
MAX_SHIFT = 6  # pixels a still picture moves to make a pair for the temporal loss


@dataclass(frozen=True)
class VideoSource:
    path: Path
    duration: float | None


@dataclass(frozen=True)
class TrainingSources:
    """The image files and videos found under the paths given with --data."""

    images: tuple[Path, ...]
    videos: tuple[VideoSource, ...]

    @property
    def count(self) -> int:
        return len(self.images) + len(self.videos)


def find_sources(paths: list[str | os.PathLike]) -> TrainingSources:
    """Expand folders (recursively) into image and video files; probe videos now so bad ones fail early."""
    if not paths:
        raise OptionError("give training data with --data (a folder of images or a video file)")
    images: list[Path] = []
    videos: list[Path] = []
    for entry in map(Path, paths):
        if not entry.exists():
            raise InputError(f"training data {entry} does not exist")
        files = sorted(p for p in entry.rglob("*") if p.is_file()) if entry.is_dir() else [entry]
        for file in files:
            ext = file.suffix.lower()
            if ext in IMAGE_EXTS:
                images.append(file)
            elif ext in VIDEO_EXTS:
                videos.append(file)
            elif not entry.is_dir():
                raise InputError(f"{file} is neither an image nor a video; give image folders or video files")
    if not images and not videos:
        raise InputError(f"no images or videos found in {', '.join(map(str, paths))}")
    probed = tuple(VideoSource(path, probe_video(path).duration) for path in videos)
    return TrainingSources(tuple(images), probed)


def first_picture(sources: TrainingSources) -> torch.Tensor:
    """The first image (or the first video's first frame), (1, 3, H, W): a fixed subject for previews."""
    if sources.images:
        return read_image(sources.images[0])
    return frame_to_tensor(next(iter(read_frames(sources.videos[0].path))).rgb)


@dataclass
class Pooled:
    """A picture shrunk for cropping; for temporal training also the next video frame and the flow between them."""

    picture: torch.Tensor  # uint8 (3, H, W)
    following: torch.Tensor | None = None  # uint8 (3, H, W), the next frame
    flow: torch.Tensor | None = None  # (2, H, W): following(x) ≈ picture(x + flow(x))
    reliable: torch.Tensor | None = None  # (1, H, W) in [0, 1]: where that flow can be trusted


@dataclass
class TrainBatch:
    """Crops (N, 3, S, S) in [0, 1]; with pairs also the following crops, their flow and its reliability."""

    images: torch.Tensor
    following: torch.Tensor | None = None
    flow: torch.Tensor | None = None
    reliable: torch.Tensor | None = None

    def to(self, device: torch.device) -> TrainBatch:
        def move(t: torch.Tensor | None) -> torch.Tensor | None:
            return None if t is None else t.to(device, non_blocking=True)

        return TrainBatch(move(self.images), move(self.following), move(self.flow), move(self.reliable))  # type: ignore[arg-type]

    def pinned(self) -> TrainBatch:
        """In page-locked memory, so that ``to(cuda)`` copies without the driver staging it (and without blocking)."""

        def pin(t: torch.Tensor | None) -> torch.Tensor | None:
            return None if t is None else t.pin_memory()

        return TrainBatch(pin(self.images), pin(self.following), pin(self.flow), pin(self.reliable))  # type: ignore[arg-type]


LOADED_BATCHES = 2
"""Batches the loader thread keeps ready: enough to hide a slow pool refill's jitter, few enough to bound memory."""


def load_ahead(batches: Iterator[TrainBatch], device: torch.device, name: str = "videostyle-loader") -> Producer[TrainBatch]:
    """``batches`` cut, stacked and, for CUDA, pinned on a loader thread while the device runs the steps before.

    One thread draws them in order from the sampler's own random generator, so training is as
    repeatable as on the caller's thread. Use as a context manager (leaving it stops the thread)
    and iterate it.
    """
    pin = device.type == "cuda"
    return Producer((batch.pinned() if pin else batch for batch in batches), LOADED_BATCHES, name)


class CropSampler:
    """Yields TrainBatch crops forever, with random crops and flips.

    With ``pairs`` each crop comes with a following crop and the exact or estimated flow between them,
    for a temporal loss: the next frame of a video (flow by DIS, reliability by the forward-backward
    check) or, for a still image, the same picture shifted by a few pixels (exact flow).
    """

    def __init__(
        self,
        sources: TrainingSources,
        crop: int,
        seed: int = 0,
        pool: int = 64,
        repeats: int = 4,
        pairs: bool = False,
    ) -> None:
        if not 16 <= crop <= 2048:
            raise OptionError(f"--size {crop} is out of range 16..2048 for training crops")
        self.sources = sources
        self.crop = crop
        self.pool = pool
        self.repeats = repeats
        self.flow = make_flow("dis", preset="medium") if pairs else None
        self.rng = np.random.default_rng(seed)
        self.skipped: list[Path] = []  # unreadable image files, left out rather than ending a long training

    def batches(self, batch_size: int) -> Iterator[TrainBatch]:
        pending: list[TrainBatch] = []
        while True:
            pooled = self._draw_pool()
            for _ in range(self.repeats):
                for index in self.rng.permutation(len(pooled)):
                    pending.append(self._random_crop(pooled[index]))
                    if len(pending) == batch_size:
                        yield _stack(pending)
                        pending = []

    def _draw_pool(self) -> list[Pooled]:
        """``pool`` pictures, drawn uniformly over files (a video counts as one file)."""
        picks = self.rng.integers(0, self.sources.count, size=self.pool)
        counts = np.bincount(picks, minlength=self.sources.count)
        pooled: list[Pooled] = []
        for index in np.flatnonzero(counts):
            if index < len(self.sources.images):
                picture = self._load_image(self.sources.images[index])
                pooled.extend([Pooled(picture)] * int(counts[index]) if picture is not None else [])
            else:
                video = self.sources.videos[index - len(self.sources.images)]
                pooled.extend(self._sample_video(video, int(counts[index])))
        if not pooled:
            raise InputError(f"none of the {len(self.skipped)} training images could be read")
        return pooled

    def _load_image(self, path: Path) -> torch.Tensor | None:
        try:
            return self._shrink(read_image(path))[0]
        except InputError:
            self.skipped.append(path)
            return None

    def _sample_video(self, video: VideoSource, k: int) -> list[Pooled]:
        """Reservoir sampling of ``k`` frames (or frame pairs) over one decoding pass of a random window."""
        start = None
        if video.duration is not None and video.duration > VIDEO_WINDOW_S:
            start = float(self.rng.uniform(0, video.duration - VIDEO_WINDOW_S))
        window = None if start is None else VIDEO_WINDOW_S
        frames: Iterator[tuple[Frame, ...]] = (
            itertools.pairwise(read_frames(video.path, start, window))  # type: ignore[assignment]
            if self.flow is not None
            else ((frame,) for frame in read_frames(video.path, start, window))
        )
        kept: list[torch.Tensor] = []
        for seen, unit in enumerate(frames):
            slot = seen if seen < k else int(self.rng.integers(0, seen + 1))
            if slot >= k:
                continue
            shrunk = self._shrink(torch.cat([frame_to_tensor(frame.rgb) for frame in unit]))
            if slot == len(kept):
                kept.append(shrunk)
            else:
                kept[slot] = shrunk
        return [self._pooled(stack) for stack in kept]

    def _pooled(self, stack: torch.Tensor) -> Pooled:
        if self.flow is None:
            return Pooled(stack[0])
        picture, following = stack[:1].float() / 255, stack[1:].float() / 255
        flow, backward = self.flow.both(following, picture)
        return Pooled(stack[0], stack[1], flow[0], consistency_weights(flow, backward)[0])

    def _shrink(self, images: torch.Tensor) -> torch.Tensor:
        """Resize (K, 3, H, W) so the short side is a random 1..1.5 crop sizes; uint8 keeps the pool small."""
        h, w = images.shape[-2:]
        short = self.crop * self.rng.uniform(*SCALE_RANGE)
        scale = short / min(h, w)
        size = (max(self.crop, round(h * scale)), max(self.crop, round(w * scale)))
        return resize(images, size).mul(255).round().to(torch.uint8)

    def _random_crop(self, entry: Pooled) -> TrainBatch:
        _, h, w = entry.picture.shape
        top = int(self.rng.integers(0, h - self.crop + 1))
        left = int(self.rng.integers(0, w - self.crop + 1))
        window = (..., slice(top, top + self.crop), slice(left, left + self.crop))
        crop = TrainBatch(entry.picture[window])
        if self.flow is not None and entry.following is not None:
            crop = TrainBatch(crop.images, entry.following[window], entry.flow[window], entry.reliable[window])  # type: ignore[index]
        elif self.flow is not None:
            crop = self._shifted_pair(entry.picture, top, left)
        if crop.flow is not None:
            crop.reliable = crop.reliable * inside_frame(crop.flow[None])[0]  # type: ignore[operator]
        return _flipped(crop) if self.rng.random() < 0.5 else crop

    def _shifted_pair(self, picture: torch.Tensor, top: int, left: int) -> TrainBatch:
        """A still picture and the same picture moved by a few whole pixels: exact flow, no estimation."""
        _, h, w = picture.shape
        dy = int(np.clip(top + self.rng.integers(-MAX_SHIFT, MAX_SHIFT + 1), 0, h - self.crop)) - top
        dx = int(np.clip(left + self.rng.integers(-MAX_SHIFT, MAX_SHIFT + 1), 0, w - self.crop)) - left
        image = picture[:, top : top + self.crop, left : left + self.crop]
        following = picture[:, top + dy : top + dy + self.crop, left + dx : left + dx + self.crop]
        flow = torch.tensor([float(dx), float(dy)]).view(2, 1, 1).expand(2, self.crop, self.crop).clone()
        return TrainBatch(image, following, flow, torch.ones(1, self.crop, self.crop))


def _flipped(crop: TrainBatch) -> TrainBatch:
    """Mirror left-right; the flow's horizontal component changes sign."""
    if crop.flow is None:
        return TrainBatch(crop.images.flip(-1))
    flow = crop.flow.flip(-1) * torch.tensor([-1.0, 1.0]).view(2, 1, 1)
    return TrainBatch(crop.images.flip(-1), crop.following.flip(-1), flow, crop.reliable.flip(-1))  # type: ignore[union-attr]


def _stack(crops: list[TrainBatch]) -> TrainBatch:
    images = torch.stack([c.images for c in crops]).float().div_(255.0)
    if crops[0].following is None:
        return TrainBatch(images)
    following = torch.stack([c.following for c in crops]).float().div_(255.0)  # type: ignore[misc]
    flow = torch.stack([c.flow for c in crops]).float()  # type: ignore[misc]
    reliable = torch.stack([c.reliable for c in crops]).float()  # type: ignore[misc]
    return TrainBatch(images, following, flow, reliable)
