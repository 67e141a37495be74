"""Frames of image sequences: read and written at the file's own depth, with the file's own alpha.

Unlike :mod:`.images` (styles, guides, still jobs: always 8-bit-range RGB composited on white), a
sequence frame keeps what a compositor handed over: 8-bit files stay uint8, 16-bit PNG/TIFF and
EXR become float32 (never rounded through 8 bits), and the alpha channel is kept untouched, in the
file's own type, to be written back bit for bit.

Colour convention: the networks see display-referred sRGB. EXR holds scene-linear light, so an EXR
frame is converted linear -> sRGB on reading and back on writing (values above 1 pass through the
curve unclipped); ``display_referred=True`` says the EXR data is sRGB already and skips both steps.
PNG/TIFF are taken as display-referred.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from ..errors import InputError, OutputError
from .exr import exr_size, read_exr, write_exr

SEQUENCE_EXTS: frozenset[str] = frozenset({".png", ".tif", ".tiff", ".exr", ".jpg", ".jpeg", ".webp", ".bmp"})
ALPHA_EXTS: frozenset[str] = frozenset({".png", ".tif", ".tiff", ".exr"})
_DEEP_EXTS = frozenset({".png", ".tif", ".tiff"})  # where 16 bits a channel can be written


@dataclass(frozen=True, eq=False)
class Still:
    """One frame: ``rgb`` uint8 (8-bit files) or float32 sRGB in [0, 1] (deeper ones; EXR may exceed
    1), and ``alpha`` (H, W) exactly as stored (uint8, uint16, float16 or float32) or None."""

    rgb: np.ndarray
    alpha: np.ndarray | None


def srgb_from_linear(x: np.ndarray) -> np.ndarray:
    """The sRGB curve (IEC 61966-2-1), float32; linear below the knee, so negatives survive."""
    x = x.astype(np.float32, copy=False)
    return np.where(x <= 0.0031308, x * 12.92, 1.055 * np.power(np.maximum(x, 0.0031308), 1 / 2.4) - 0.055).astype(np.float32)


def linear_from_srgb(y: np.ndarray) -> np.ndarray:
    """The inverse of :func:`srgb_from_linear`."""
    y = y.astype(np.float32, copy=False)
    return np.where(y <= 0.04045, y / 12.92, np.power((np.maximum(y, 0.04045) + 0.055) / 1.055, 2.4)).astype(np.float32)


def read_still(path: str | os.PathLike, display_referred: bool = False) -> Still:
    """Read one sequence frame (see the module docstring for depth, alpha and colour)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path} does not exist" if not path.exists() else f"{path} is not a file; give an image file")
    if path.suffix.lower() == ".exr":
        rgb, alpha = read_exr(path)
        rgb = rgb.astype(np.float32)
        return Still(rgb if display_referred else srgb_from_linear(rgb), alpha)
    pixels = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if pixels is None or pixels.size == 0:
        raise InputError(f"cannot read {path} as an image; is it a complete image file?")
    if pixels.ndim == 2:
        pixels = pixels[..., None]
    channels = pixels.shape[2]
    color = np.repeat(pixels[..., :1], 3, axis=2) if channels < 3 else pixels[..., 2::-1]
    alpha = pixels[..., -1] if channels in (2, 4) else None
    return Still(_normalised(np.ascontiguousarray(color), path), None if alpha is None else np.ascontiguousarray(alpha))


def still_size(path: str | os.PathLike) -> tuple[int, int]:
    """(width, height) from the file's header, without decoding its pixels."""
    path = Path(path)
    if path.suffix.lower() == ".exr":
        return exr_size(path)
    try:
        with Image.open(path) as im:
            return im.size
    except (OSError, SyntaxError, ValueError) as exc:
        raise InputError(f"cannot read {path} as an image; is it a complete image file?") from exc


def write_still(path: str | os.PathLike, rgb: np.ndarray, alpha: np.ndarray | None, display_referred: bool = False) -> None:
    """Write one frame to ``path`` (the caller makes it atomic). Float frames go to 16-bit PNG/TIFF or
    half EXR, uint8 ones to 8 bits unless the alpha is deeper; alpha is dropped where the format has none."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in ALPHA_EXTS:
        alpha = None
    if ext == ".exr":
        values = _as_float(rgb)
        write_exr(path, values if display_referred else linear_from_srgb(values), alpha)
        return
    deep = ext in _DEEP_EXTS and (rgb.dtype != np.uint8 or (alpha is not None and alpha.dtype != np.uint8))
    dtype, top = (np.uint16, 65535) if deep else (np.uint8, 255)
    color = rgb if rgb.dtype == dtype else _quantize(_as_float(rgb), top, dtype)
    planes = [color[..., ::-1]]
    if alpha is not None:
        planes.append((alpha if alpha.dtype == dtype else _quantize(_as_float(alpha), top, dtype))[..., None])
    if not cv2.imwrite(str(path), np.ascontiguousarray(np.concatenate(planes, axis=2)), _write_params(ext)):
        raise OutputError(f"cannot write {path}")


def _write_params(ext: str) -> list[int]:
    return [cv2.IMWRITE_JPEG_QUALITY, 95] if ext in (".jpg", ".jpeg") else []


def _normalised(pixels: np.ndarray, path: Path) -> np.ndarray:
    """uint8 stays; uint16 and float files become float32 in [0, 1]."""
    if pixels.dtype == np.uint8:
        return pixels
    if pixels.dtype == np.uint16:
        return pixels.astype(np.float32) / 65535.0
    if pixels.dtype in (np.float16, np.float32, np.float64):
        return pixels.astype(np.float32)
    raise InputError(f"{path}: {pixels.dtype} pixels are not supported; use 8 or 16 bits or float")


def _as_float(values: np.ndarray) -> np.ndarray:
    """Any pixel array as float32 in [0, 1] (integers scaled by their type's maximum)."""
    if np.issubdtype(values.dtype, np.integer):
        return values.astype(np.float32) / np.iinfo(values.dtype).max
    return values.astype(np.float32, copy=False)


def _quantize(values: np.ndarray, top: int, dtype: type) -> np.ndarray:
    return np.round(np.clip(values, 0.0, 1.0) * np.float32(top)).astype(dtype)
