"""Read and write still images as float tensors, whatever mode and orientation the file has.

Everything Pillow can hand back (16-bit, grayscale, palette, CMYK, alpha, EXIF-rotated) is turned
into upright RGB here, so the models downstream only ever see (1, 3, H, W) float32 in [0, 1].
"""

from __future__ import annotations

import os
import struct
import warnings
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps

from ..errors import InputError, OutputError
from .atomic import atomic_output
from .kinds import IMAGE_EXTS, VIDEO_EXTS
from .stills import read_still, write_still
from .video_reader import describe

MAX_PIXELS = 100_000_000
"""Larger images would not fit any model anyway; refusing early beats running out of memory."""

_WIDE_GRAY_MODES = {"I", "I;16", "I;16B", "I;16L", "I;16N"}
_ALPHA_MODES = {"RGBA", "RGBa", "LA", "La", "PA"}
# What Pillow raises on damaged or unsupported files, besides its own UnidentifiedImageError (an OSError).
_BROKEN = (OSError, SyntaxError, ValueError, EOFError, struct.error, Image.DecompressionBombError)
_SAVE_OPTIONS: dict[str, dict[str, object]] = {"JPEG": {"quality": 95}, "WEBP": {"quality": 95}}


def read_image(path: str | os.PathLike) -> torch.Tensor:
    """Load ``path`` as an upright RGB tensor (1, 3, H, W) float32 in [0, 1] on the CPU."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} does not exist")
    if path.is_dir():
        raise InputError(f"{path} is a folder; give an image file")
    if path.suffix.lower() in VIDEO_EXTS - {".gif"}:  # a GIF may well be a still
        raise InputError(f"{path} is a video; an image is needed here (a style, a guide, a start image)")
    if path.suffix.lower() == ".exr":  # Pillow has no EXR: scene-linear light, as sRGB in [0, 1]
        return frame_to_tensor(read_still(path).rgb)
    try:
        with warnings.catch_warnings():
            # Our own MAX_PIXELS check below replaces Pillow's warning.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                _check_size(path, im.size)
                im.load()
                array = _to_rgb_array(_upright(im))
    except _BROKEN as exc:
        raise InputError(f"cannot read {path} as an image ({describe(exc)}); is it a complete image file?") from exc
    return torch.from_numpy(array).permute(2, 0, 1).unsqueeze(0).contiguous()


def write_image(image: torch.Tensor, path: str | os.PathLike, overwrite: bool = False) -> None:
    """Save a (1, 3, H, W) or (3, H, W) tensor in [0, 1]; the format follows the extension."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in IMAGE_EXTS:
        raise OutputError(
            f"{path}: cannot write {ext or 'no extension'!r} images; use one of {' '.join(sorted(IMAGE_EXTS))}"
        )
    with atomic_output(path, overwrite) as tmp:  # turns an OSError into one line naming path and cause
        if ext == ".exr":
            write_still(tmp, tensor_to_float_frame(image), None)
        else:
            fmt = Image.registered_extensions()[ext]
            Image.fromarray(tensor_to_frame(image)).save(tmp, format=fmt, **_SAVE_OPTIONS.get(fmt, {}))


def frame_to_tensor(frame: np.ndarray, device: torch.device | str = "cpu") -> torch.Tensor:
    """(H, W, 3) RGB, uint8 or float in [0, 1] → float32 (1, 3, H, W) in [0, 1]; uint8 bytes cross to
    the device, not floats. Float frames (deep sources) are clamped: the networks take [0, 1]."""
    tensor = torch.from_numpy(np.ascontiguousarray(frame)).to(device)
    if frame.dtype != np.uint8:
        return tensor.permute(2, 0, 1).unsqueeze(0).float().clamp_(0.0, 1.0)
    return tensor.permute(2, 0, 1).unsqueeze(0).float().div_(255.0)


def tensor_to_frame(image: torch.Tensor) -> np.ndarray:
    """float (1, 3, H, W) or (3, H, W) in [0, 1] → uint8 (H, W, 3), rounded and clamped."""
    return as_uint8(tensor_to_float_frame(image))


def tensor_to_float_frame(image: torch.Tensor) -> np.ndarray:
    """float (1, 3, H, W) or (3, H, W) → float32 (H, W, 3) clamped to [0, 1], at full precision."""
    if image.dim() == 4:
        if image.shape[0] != 1:
            raise ValueError(f"expected one image, got a batch of {image.shape[0]}")
        image = image[0]
    if image.dim() != 3 or image.shape[0] != 3:
        raise ValueError(f"expected a (3, H, W) image tensor, got shape {tuple(image.shape)}")
    if not bool(torch.isfinite(image).all()):
        raise OutputError(
            "the result is not finite (NaN or infinity), so it was not written; "
            "lower the learning rate or check the model's weights"
        )
    return image.detach().float().clamp(0.0, 1.0).permute(1, 2, 0).contiguous().cpu().numpy()


def as_uint8(rgb: np.ndarray) -> np.ndarray:
    """A frame as uint8 for 8-bit consumers (H.264, GIF, the --model engine): float [0, 1] rounded."""
    if rgb.dtype == np.uint8:
        return rgb
    return np.round(np.clip(rgb, 0.0, 1.0).astype(np.float32) * np.float32(255.0)).astype(np.uint8)


def _check_size(path: Path, size: tuple[int, int]) -> None:
    width, height = size
    if width == 0 or height == 0:
        raise InputError(f"{path} is empty ({width}x{height} pixels)")
    if width * height > MAX_PIXELS:
        raise InputError(
            f"{path} is {width}x{height} pixels, over the {MAX_PIXELS // 1_000_000} megapixel limit; downscale it first"
        )


def _upright(im: Image.Image) -> Image.Image:
    """Apply the EXIF orientation, as viewers do; a broken EXIF block is ignored rather than fatal."""
    try:
        return ImageOps.exif_transpose(im)
    except (*_BROKEN, KeyError, TypeError):
        return im


def _to_rgb_array(im: Image.Image) -> np.ndarray:
    """Float32 (H, W, 3) in [0, 1], keeping the full precision of 16-bit files."""
    if im.mode in _WIDE_GRAY_MODES:
        gray = np.asarray(im, dtype=np.float32) / 65535.0
        return np.repeat(np.clip(gray, 0.0, 1.0)[..., None], 3, axis=2)
    if im.mode in _ALPHA_MODES or "transparency" in im.info:
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(white, rgba)
    return np.asarray(im.convert("RGB"), dtype=np.float32) / 255.0
