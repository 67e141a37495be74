"""Previews of a long stylize job: the current image (stills) or the latest frame (video), written
atomically next to the output every N steps or frames, so it can be watched while it runs."""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path
from typing import Any

import torch

from ..media import Frame, frame_to_tensor, write_image
from ..optim import Step
from ..video import FrameSink


def preview_path(target: str | os.PathLike) -> Path:
    """OUT.preview.png beside OUT (a still or a video)."""
    target = Path(target)
    return target.with_name(f"{target.stem}.preview.png")


def preview_steps(steps: Generator[Step, None, torch.Tensor], path: Path, every: int) -> Generator[Step, None, torch.Tensor]:
    """Pass ``steps`` through, writing the image being optimized to ``path`` every ``every`` steps."""
    while True:
        try:
            step = next(steps)
        except StopIteration as stop:
            return stop.value
        if (step.index + 1) % every == 0:
            with torch.no_grad():
                write_image(step.param().detach().cpu(), path, overwrite=True)
        yield step


class PreviewSink:
    """A FrameSink that passes frames on to ``inner`` and writes every ``every``-th one to ``path`` as well.

    Anything else (checkpointing, see videostyle.video.driver) is the inner sink's.
    """

    def __init__(self, inner: FrameSink, path: Path, every: int) -> None:
        self.inner = inner
        self.path = path
        self.every = every
        self.count = 0

    def write(self, frame: Frame) -> None:
        self.inner.write(frame)
        self.count += 1
        if self.count % self.every == 0:
            write_image(frame_to_tensor(frame.rgb), self.path, overwrite=True)

    def close(self) -> None:
        self.inner.close()

    def __enter__(self) -> PreviewSink:
        self.inner.__enter__()
        return self

    def __exit__(self, *exc: Any) -> Any:
        return self.inner.__exit__(*exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
