"""Stylize image and video files with a trained model: the same IO contract as the optimization engine."""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path

import torch

from ..errors import OptionError
from ..media import read_image, same_kind, write_image
from ..media.atomic import check_writable
from ..progress import FrameProgress, drain
from ..resize import NETWORK_CAP, fit_size, resize
from ..timeline import TimelineOptions
from ..timeline.react import ReactOptions
from ..video import OutputOptions
from ..video.matte import matted_still, still_with_matte
from .inference import FrameStylizer, InferenceOptions
from .pipeline import iter_stylize_video


def iter_stylize_file(
    source: str | os.PathLike,
    target: str | os.PathLike,
    model: str | os.PathLike,
    options: InferenceOptions = InferenceOptions(),
    output: OutputOptions = OutputOptions(),
    device: torch.device | str = "cpu",
    timeline: TimelineOptions = TimelineOptions(),
    react: ReactOptions = ReactOptions(),
) -> Generator[FrameProgress, None, Path]:
    """Image -> image or video -> video through the network of ``model``, chosen by the extensions
    (``timeline``: keyframes of a video; ``react``: its style strength moved by the music)."""
    device = torch.device(device)
    if same_kind(source, target) == "video":
        return (yield from iter_stylize_video(source, target, model, options, output, device, timeline=timeline, react=react))
    if react.react or react.audio:
        raise OptionError("--react and --audio follow a soundtrack over time; the input is a still image")
    if timeline.keyed:
        raise OptionError("keyframes (--style-at) change a video over time; the input is a still image")
    if options.stabilize:
        raise OptionError("--stabilize applies to videos only")
    check_writable(target, output.overwrite)
    engine, _ = FrameStylizer.from_file(model, options, device)
    content = read_image(source)
    still = still_with_matte(source, content, output.mask)
    result = stylize_image(engine, content, output.size)
    write_image(matted_still(result, still), target, overwrite=output.overwrite)
    yield FrameProgress(1, 1)
    return Path(target)


def stylize_image(engine: FrameStylizer, content: torch.Tensor, size: int | None = None) -> torch.Tensor:
    """(1, 3, H, W) in [0, 1] -> stylized at long side ``size`` (default: its own, at most NETWORK_CAP), on the CPU."""
    h, w = content.shape[-2:]
    working = fit_size(h, w, size, cap=NETWORK_CAP)
    return engine.images(resize(content.to(engine.device), working)).cpu()


def stylize_file(
    source: str | os.PathLike,
    target: str | os.PathLike,
    model: str | os.PathLike,
    options: InferenceOptions = InferenceOptions(),
    output: OutputOptions = OutputOptions(),
    device: torch.device | str = "cpu",
) -> Path:
    """Stylize without progress display (for Python callers)."""
    return drain(iter_stylize_file(source, target, model, options, output, device))
