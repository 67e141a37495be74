"""Tell images from videos by file extension, the one thing known before a file is opened."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from ..errors import InputError, OptionError, OutputError
from .sequences import is_pattern

IMAGE_EXTS: frozenset[str] = frozenset({".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".exr"})
# .exr is read and written through media.stills (the exr extra), every other still through Pillow.
VIDEO_EXTS: frozenset[str] = frozenset({".mp4", ".mov", ".mkv", ".webm", ".gif"})

MediaKind = Literal["image", "video"]


def media_kind(path: str | os.PathLike, for_output: bool = False) -> MediaKind:
    """Classify ``path`` so callers pick the image or the video pipeline before doing any work.

    An image sequence (a ``%04d`` pattern, or an input folder of numbered frames) is a video."""
    if is_pattern(path) or (not for_output and Path(path).is_dir()):
        return "video"
    ext = Path(path).suffix.lower()
    if ext in IMAGE_EXTS:
        return "image"
    if ext in VIDEO_EXTS:
        return "video"
    accepted = " ".join(sorted(IMAGE_EXTS)) + " | " + " ".join(sorted(VIDEO_EXTS)) + " | a sequence like frames/%04d.png"
    error = OutputError if for_output else InputError
    raise error(f"{path}: unknown extension {ext or '(none)'!r}; use one of {accepted}")


def same_kind(source: str | os.PathLike, target: str | os.PathLike) -> MediaKind:
    """The kind of an image -> image or video -> video job; anything else is refused before work starts."""
    kind_in, kind_out = media_kind(source), media_kind(target, for_output=True)
    if kind_in != kind_out:
        raise OptionError(f"cannot turn {kind_in} {source} into {kind_out} {target}; use a {kind_in} output")
    return kind_in
