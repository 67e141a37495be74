"""Stylize image and video files with a trained model: the same IO contract as the optimization engine."""

from __future__ import annotations

import os
from collections.abc import Generator
from dataclasses import replace
from functools import partial
from pathlib import Path

import torch

from ..device import as_device
from ..errors import OptionError
from ..media import same_kind
from ..media.atomic import check_writable
from ..progress import FrameProgress, LoopClosure, drain
from ..resize import NETWORK_CAP, fit_size, resize
from ..timeline import TimelineOptions
from ..timeline.react import ReactOptions
from ..video import OutputOptions
from ..video.backdrop import BackgroundOptions, iter_over_backdrop, with_base
from ..video.still_job import open_still, write_still_result
from .inference import FrameStylizer, InferenceOptions
from .model_kinds import open_model
from .pipeline import iter_apply_model_video


def iter_apply_model_file(
    source: str | os.PathLike,
    target: str | os.PathLike,
    model: str | os.PathLike,
    options: InferenceOptions = InferenceOptions(),
    output: OutputOptions = OutputOptions(),
    device: torch.device | str = "auto",
    timeline: TimelineOptions = TimelineOptions(),
    react: ReactOptions = ReactOptions(),
    background: BackgroundOptions = BackgroundOptions(),
) -> Generator[FrameProgress | LoopClosure, None, Path]:
    """Image -> image or video -> video through the network of ``model``, chosen by the extensions
    (``timeline``: keyframes of a video; ``react``: its style strength moved by the music).
    ``background.style_bg`` styles where the mask is black, with a network that takes style images
    (see video.backdrop)."""
    device = as_device(device)
    background.check_with(output)
    behind = None if background.style_bg is None else replace(options, style_images=(background.style_bg,), style_weights=None)
    if behind is not None and (not options.style_images or timeline.keyed):
        raise OptionError("--style-bg takes a network that styles from images (builtin:arbitrary, builtin:microast, train --arbitrary) with -s, and no --style-at")
    if same_kind(source, target) == "video":
        video = partial(iter_apply_model_video, source, model=model, output=output, device=device, timeline=timeline, react=react)
        if behind is None:
            return (yield from video(target, options=options))
        return (yield from iter_over_backdrop(
            lambda out, to: video(to, options=behind, output=out), lambda out: video(target, options=options, output=out), target, output,
        ))
    if react.react or react.audio:
        raise OptionError("--react and --audio follow a soundtrack over time; the input is a still image")
    if timeline.keyed or timeline.loop:
        raise OptionError("keyframes (--style-at) and --loop make a video; the input is a still image")
    if options.stabilize:
        raise OptionError("--stabilize applies to videos only")
    check_writable(target, output.overwrite)
    engine, _ = open_model(model, options, device)
    still = open_still(source, target, output.mask, output.display_referred)
    result = apply_model_image(engine, still.content, output.size)
    if behind is not None:
        still = with_base(still, apply_model_image(open_model(model, behind, device)[0], still.content, output.size))
    write_still_result(result, still, target, overwrite=output.overwrite)
    yield FrameProgress(1, 1)
    return Path(target)


def apply_model_image(engine: FrameStylizer, content: torch.Tensor, size: int | None = None) -> torch.Tensor:
    """(1, 3, H, W) in [0, 1] -> stylized at long side ``size`` (default: its own, at most NETWORK_CAP), on the CPU."""
    h, w = content.shape[-2:]
    working = fit_size(h, w, size, cap=NETWORK_CAP)
    return engine.images(resize(content.to(engine.device), working)).cpu()


def apply_model_file(
    source: str | os.PathLike,
    target: str | os.PathLike,
    model: str | os.PathLike,
    options: InferenceOptions = InferenceOptions(),
    output: OutputOptions = OutputOptions(),
    device: torch.device | str = "auto",
) -> Path:
    """Stylize without progress display (for Python callers)."""
    return drain(iter_apply_model_file(source, target, model, options, output, device))
