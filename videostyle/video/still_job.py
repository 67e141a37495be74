"""A still image job's input and output at the file's own depth, with its alpha kept.

A still whose source and target can both hold alpha and depth (PNG, TIFF, EXR) and that has either
(an alpha channel, 16 bits a channel, or EXR on one side) goes the way of a sequence frame
(media.stills): read at full precision with its alpha, composited through the alpha (fully
transparent pixels keep the input) and the ``--mask`` matte, and written back at 16 bits (half for
EXR) with the alpha untouched; an 8-bit RGBA source gives an 8-bit RGBA result. Every other still
keeps the plain path of media.images (RGB composited on white, written at 8 bits).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import torch

from ..media import Frame, as_uint8, frame_to_tensor, read_image, tensor_to_float_frame, write_image
from ..media.atomic import atomic_output
from ..media.exr import require_exr
from ..media.stills import ALPHA_EXTS, Still, read_still, write_still
from .matte import composite, matted_still, still_with_matte, with_still_matte


@dataclass(frozen=True)
class StillInput:
    """What the engine sees (``content``, (1, 3, H, W)) and what its result is composited with."""

    content: torch.Tensor
    frame: Frame | None
    """The input with its matte (and alpha) to composite with, or None: the result is written as it is."""
    deep: bool
    """Written through media.stills (depth and alpha kept), not media.images."""
    display_referred: bool = False


def open_still(
    source: str | os.PathLike, target: str | os.PathLike, mask: str | os.PathLike | None, display_referred: bool = False
) -> StillInput:
    """Read the still ``source`` for a job writing ``target`` (a bad input or mask fails here, before any
    model loads); ``display_referred``: EXR data is sRGB already (see media.stills)."""
    own = _deep_still(Path(source), Path(target), display_referred)
    if own is None:
        content = read_image(source)
        return StillInput(content, still_with_matte(source, content, mask), deep=False)
    frame = with_still_matte(Frame(own.rgb, 0, Fraction(1), alpha=own.alpha), mask)
    return StillInput(frame_to_tensor(own.rgb), frame, deep=True, display_referred=display_referred)


def write_still_result(result: torch.Tensor, still: StillInput, target: str | os.PathLike, overwrite: bool = False) -> None:
    """Write the engine's ``result`` composited with the input (see the module docstring)."""
    if not still.deep:
        write_image(matted_still(result, still.frame), target, overwrite=overwrite)
        return
    assert still.frame is not None
    rgb, alpha = composite(tensor_to_float_frame(result), still.frame)
    if still.frame.rgb.dtype == np.uint8 and Path(target).suffix.lower() != ".exr":
        rgb = as_uint8(rgb)  # 8 bits in, 8 bits out
    with atomic_output(Path(target), overwrite) as tmp:
        write_still(tmp, rgb, alpha, still.display_referred)


def _deep_still(source: Path, target: Path, display_referred: bool) -> Still | None:
    """The source read with its depth and alpha when the job keeps them, else None."""
    ends = source.suffix.lower(), target.suffix.lower()
    if not all(end in ALPHA_EXTS for end in ends):
        return None
    if ".exr" in ends:
        require_exr()
    own = read_still(source, display_referred)
    return own if ".exr" in ends or own.alpha is not None or own.rgb.dtype != np.uint8 else None
