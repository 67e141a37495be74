"""Mattes and alpha: where a job's result replaces its input, applied by the frame driver for every engine.

The source attaches to each frame its matte (float32 (H, W) in [0, 1]: white = stylize, black =
keep, grey = blend) from ``--mask`` and keeps the input's alpha beside it; engines never see either.
When a finished frame is written the driver composites ``matte * result + (1 - matte) * input`` at
the result's size, with fully transparent input pixels kept as they were, and hands the input alpha,
untouched, to the writer. The matte comes from its own frames, never from the flow, so its edge stays
where the compositor drew it. A still image job goes the same way as a one-frame video:
:func:`still_with_matte` before the work, :func:`matted_still` after it (see video.still_job for depth and alpha).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np
import torch

from ..errors import InputError, OptionError
from ..media import Frame, frame_to_tensor, read_image, tensor_to_float_frame
from ..media.kinds import media_kind
from ..media.stills import SEQUENCE_EXTS, read_still

ALPHA = "alpha"
"""``--mask alpha``: the input's own alpha channel is the matte."""


def attach_mattes(frames: Iterator[Frame], mask: str | os.PathLike | None, mask_frames: Iterator[Frame] | None) -> Iterator[Frame]:
    """``frames`` with their matte: from ``mask_frames`` (a sequence or video, in step), a still
    ``mask`` image, or each frame's alpha (``mask == "alpha"``)."""
    if mask is None:
        yield from frames
        return
    still = None if mask_frames is not None or str(mask) == ALPHA else matte_of(read_image(mask).squeeze(0).permute(1, 2, 0).numpy())
    for index, frame in enumerate(frames):
        if str(mask) == ALPHA:
            if frame.alpha is None:
                raise InputError("--mask alpha: the input has no alpha channel; give a matte file instead")
            matte = _as_float(frame.alpha)
        elif mask_frames is not None:
            matte_frame = next(mask_frames, None)
            if matte_frame is None:
                raise InputError(f"the mask {mask} ends before the input, at its frame {index}; give a mask as long as the input")
            matte = matte_of(matte_frame.rgb)
        else:
            matte = still
        yield replace(frame, matte=_fit(matte, frame.rgb.shape[:2]))


def attach_backdrop(frames: Iterator[Frame], backdrop: Iterator[Frame]) -> Iterator[Frame]:
    """``frames`` each with the ``backdrop`` frame in step as its ``base`` (what the matte's black keeps)."""
    for index, frame in enumerate(frames):
        base = next(backdrop, None)
        if base is None:
            raise InputError(f"the background render ends before the input, at its frame {index}")
        yield replace(frame, base=base.rgb)


def mask_is_moving(mask: str | os.PathLike | None) -> bool:
    """Whether ``mask`` has frames of its own (a video or a sequence) rather than one image or the alpha."""
    return mask is not None and str(mask) != ALPHA and media_kind(Path(mask)) == "video"


def still_with_matte(source: str | os.PathLike, content: torch.Tensor, mask: str | os.PathLike | None) -> Frame | None:
    """The still ``content`` (a (1,3,H,W) image read from ``source``) as a frame with its matte from
    ``mask`` (an image, or ``"alpha"`` for the file's own alpha), and the file's alpha; None without
    a mask. Read before the work, so a bad mask fails before any network loads."""
    if mask is None:
        return None
    own_alpha = read_still(source).alpha if Path(source).suffix.lower() in SEQUENCE_EXTS else None
    return with_still_matte(Frame(tensor_to_float_frame(content), 0, Fraction(1), alpha=own_alpha), mask)


def with_still_matte(frame: Frame, mask: str | os.PathLike | None) -> Frame:
    """A still's ``frame`` with its matte from ``mask`` (an image, or ``"alpha"``; None: no matte)."""
    if mask_is_moving(mask):
        raise OptionError(f"--mask {mask}: a still image takes a still mask (an image or 'alpha'), not a video or a sequence")
    return next(attach_mattes(iter([frame]), mask, None))


def matted_still(result: torch.Tensor, still: Frame | None) -> torch.Tensor:
    """A still job's ``result`` composited with its input through the matte (see :func:`composite`)."""
    if still is None:
        return result
    rgb, _ = composite(tensor_to_float_frame(result), still)
    return frame_to_tensor(rgb)


def matte_of(rgb: np.ndarray) -> np.ndarray:
    """A matte from a mask picture: its Rec. 709 luma, float32 in [0, 1]."""
    values = _as_float(rgb)
    return np.clip(values @ np.array([0.2126, 0.7152, 0.0722], dtype=np.float32), 0.0, 1.0).astype(np.float32)


def composite(result: np.ndarray, source: Frame) -> tuple[np.ndarray, np.ndarray | None]:
    """The frame to write and its alpha: ``result`` where the matte is white (and the input not fully
    transparent), the input (or the frame's ``base``) where it is black; the input alpha, resized only
    if the result's size differs."""
    size = result.shape[:2]
    alpha = source.alpha if source.alpha is None or source.alpha.shape == size else _fit(source.alpha, size)
    matte = None if source.matte is None else _fit(source.matte, size)
    if alpha is not None:
        visible = (alpha > 0).astype(np.float32)
        matte = visible if matte is None else matte * visible
    if matte is None or bool((matte >= 1).all()):
        return result, alpha
    weight = matte[..., None]
    kept = source.rgb if source.base is None else source.base
    mixed = weight * _as_float(result) + (1 - weight) * _as_float(_fit(kept, size))
    return mixed.astype(np.float32), alpha


def _as_float(values: np.ndarray) -> np.ndarray:
    if np.issubdtype(values.dtype, np.integer):
        return values.astype(np.float32) / np.float32(np.iinfo(values.dtype).max)
    return values.astype(np.float32, copy=False)


def _fit(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``image`` at (height, width) ``size``; area-averaged when shrinking, as the frames are."""
    if image.shape[:2] == tuple(size):
        return image
    shrink = image.shape[0] * image.shape[1] > size[0] * size[1]
    values = image.astype(np.float32) if image.dtype == np.float16 else image  # OpenCV has no half resize
    fitted = cv2.resize(values, (size[1], size[0]), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
    return fitted.astype(image.dtype, copy=False)
