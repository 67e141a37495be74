"""OpenEXR files through the optional ``OpenEXR`` package (OpenCV's wheel has no EXR codec).

The package is imported only when an .exr is read or written, so everyone else needs no extra.
Pixels come back as the file stores them (half or float), never rounded through 8 bits.
"""

from __future__ import annotations

import os
from types import ModuleType

import numpy as np

from ..errors import InputError, OptionError

MISSING = "EXR needs the exr extra: pip install 'videostyle[exr]'"


def _openexr() -> ModuleType:
    try:
        import OpenEXR
    except ImportError:
        raise OptionError(MISSING) from None
    return OpenEXR


def require_exr() -> None:
    """Fail now, before any work, when a job will write an EXR and the extra is missing."""
    _openexr()


def read_exr(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray | None]:
    """RGB (H, W, 3) and alpha (H, W) or None, in the file's own pixel type (float16 or float32)."""
    exr = _openexr()
    try:
        channels = exr.File(str(path)).channels()
    except Exception as exc:  # noqa: BLE001 - the bindings raise bare RuntimeErrors for every breakage
        raise InputError(f"cannot read {path} as an EXR image ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})") from exc
    if "RGBA" in channels:
        pixels = channels["RGBA"].pixels
        return pixels[..., :3], pixels[..., 3]
    if "RGB" in channels:
        return channels["RGB"].pixels, None
    if "Y" in channels:
        gray = channels["Y"].pixels
        return np.repeat(gray[..., None], 3, axis=2), (channels["A"].pixels if "A" in channels else None)
    raise InputError(f"{path}: no RGB, RGBA or Y channels (has {', '.join(sorted(channels))})")


def exr_size(path: str | os.PathLike) -> tuple[int, int]:
    """(width, height) from the header alone."""
    exr = _openexr()
    try:
        low, high = exr.File(str(path), header_only=True).header()["dataWindow"]
    except Exception as exc:  # noqa: BLE001
        raise InputError(f"cannot read {path} as an EXR image") from exc
    return int(high[0] - low[0] + 1), int(high[1] - low[1] + 1)


def write_exr(path: str | os.PathLike, rgb: np.ndarray, alpha: np.ndarray | None) -> None:
    """Write ZIP-compressed scanlines; ``rgb`` float (half unless it is float32 already), alpha in its own type."""
    exr = _openexr()
    pixel = alpha.dtype if alpha is not None and alpha.dtype in (np.float16, np.float32) else np.float16
    data = rgb.astype(pixel) if alpha is None else np.dstack([rgb.astype(pixel), alpha.astype(pixel)])
    header = {"compression": exr.ZIP_COMPRESSION, "type": exr.scanlineimage}
    exr.File(header, {"RGB" if alpha is None else "RGBA": np.ascontiguousarray(data)}).write(str(path))
