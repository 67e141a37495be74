"""Hand-held-looking test clips made from scikit-image's CC0/public-domain photos, for bench/bench_subject.py.

There is no real footage in the repository, so each clip is one still filmed by a virtual hand-held
camera: a slow pan and zoom, a small roll and a little deterministic shake, resampled with
``cv2.warpAffine`` (bicubic) every frame. The subjects cover the cases of issue 25:

- ``pale_horse``: an animal, white on a white wall (the hard case: a pale subject on a pale ground;
  the horse's silhouette from ``data.horse()``, CC0 by Andreas Preuss, its coat from Chelsea's forehead
  and the wall from ``data.brick()``, CC0Textures, both squeezed into the top tenth of the luminance
  range, and a faint shadow);
- ``cat``: an animal on a busy ground (Chelsea, ``data.chelsea()``, CC0 by Stefan van der Walt);
- ``astronaut``: a person on a busy ground (Eileen Collins, ``data.astronaut()``, NASA, public domain);
- ``rocket``: an object on a plain ground (the SpaceX rocket, ``data.rocket()``, public domain).

    python tools/subject_clips.py OUT_FOLDER [--size 192] [--frames 12]

writes OUT_FOLDER/NAME.mp4 for each (nothing is committed; the bench makes them in a temp folder).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np

from videostyle.media.video_writer import VideoWriter

FPS = Fraction(24)


def _photo(name: str) -> np.ndarray:
    from skimage import data  # a dev extra, like tools/samples.py

    return np.ascontiguousarray(getattr(data, name)())


def _squeeze(gray: np.ndarray, low: float, high: float) -> np.ndarray:
    """A gray image's values mapped linearly onto [low, high] (from its 1st..99th percentiles)."""
    a, b = np.percentile(gray, [1, 99])
    return low + (high - low) * np.clip((gray - a) / max(b - a, 1e-6), 0, 1)


def pale_horse() -> np.ndarray:
    """A white horse in front of a white wall: the subject differs from the ground by a few luma percent."""
    mask = ~_photo("horse")  # True on the horse, 328x400
    mask = cv2.resize(mask.astype(np.float32), (400, 328), interpolation=cv2.INTER_AREA)
    height, width = 540, 800
    wall = cv2.resize(_photo("brick").astype(np.float32) / 255, (width, height), interpolation=cv2.INTER_CUBIC)
    wall = _squeeze(cv2.GaussianBlur(wall, (0, 0), 1.2), 0.80, 0.90)
    wall = wall * np.linspace(1.0, 0.95, width)[None, :]  # light falls off across the wall
    fur = cv2.cvtColor(_photo("chelsea")[:70, 160:300], cv2.COLOR_RGB2GRAY).astype(np.float32) / 255  # forehead
    fur = _squeeze(cv2.resize(fur, (width, height), interpolation=cv2.INTER_CUBIC), 0.86, 0.97)
    coverage = np.zeros((height, width), np.float32)
    top, left = 130, 210
    coverage[top : top + mask.shape[0], left : left + mask.shape[1]] = cv2.GaussianBlur(mask, (0, 0), 1.0)
    shadow = cv2.GaussianBlur(np.roll(coverage, (14, 18), axis=(0, 1)), (0, 0), 9)
    ground = wall * (1 - 0.07 * shadow)
    tint_wall, tint_coat = np.array([1.0, 0.99, 0.96]), np.array([0.98, 0.99, 1.0])
    rgb = (ground * (1 - coverage))[..., None] * tint_wall + (fur * coverage)[..., None] * tint_coat
    return (np.clip(rgb, 0, 1) * 255).round().astype(np.uint8)


SCENES: dict[str, Callable[[], np.ndarray]] = {
    "pale_horse": pale_horse,
    "cat": lambda: _photo("chelsea"),
    "astronaut": lambda: _photo("astronaut"),
    "rocket": lambda: _photo("rocket"),
}


def camera(still: np.ndarray, size: tuple[int, int], frames: int, seed: int = 0) -> list[np.ndarray]:
    """``frames`` views (uint8 RGB, ``size`` = (width, height)) of ``still`` by a slowly moving, shaking camera.

    The view starts on 80 % of the still's width (or height), pans right and down, zooms in 0.8 % and rolls 0.25 degree
    a frame, with up to half an output pixel of random shake.
    """
    width, height = size
    h, w = still.shape[:2]
    rng = np.random.default_rng(seed)
    base = width / (0.8 * min(w, h * width / height))  # output pixels per still pixel at frame 0
    views = []
    for t in range(frames):
        scale = base * (1 + 0.008 * t)
        cx = w / 2 - 0.06 * w + 0.012 * w * t / max(frames - 1, 1) * 10 + rng.uniform(-0.5, 0.5) / scale
        cy = h / 2 + 0.02 * h * t / max(frames - 1, 1) * 2 + rng.uniform(-0.5, 0.5) / scale
        matrix = cv2.getRotationMatrix2D((cx, cy), 0.25 * t, scale)
        matrix[:, 2] += (width / 2 - cx, height / 2 - cy)
        views.append(cv2.warpAffine(still, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT))
    return views


def write_clip(views: list[np.ndarray], path: Path) -> Path:
    """The views as an H.264 clip at 24 fps, near-lossless (crf 12)."""
    with VideoWriter(path, fps=FPS, crf=12, overwrite=True) as writer:
        for view in views:
            writer.write(view)
    return path


def make_clips(folder: Path, size: int = 192, frames: int = 12, names: tuple[str, ...] = tuple(SCENES)) -> dict[str, Path]:
    """Write the named clips, ``size`` wide and 9/16 as tall (even), into ``folder``: {name: path}."""
    folder.mkdir(parents=True, exist_ok=True)
    dims = (size // 2 * 2, math.floor(size * 9 / 16 / 2) * 2)
    return {name: write_clip(camera(SCENES[name](), dims, frames), folder / f"{name}.mp4") for name in names}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--size", type=int, default=192)
    parser.add_argument("--frames", type=int, default=12)
    args = parser.parse_args()
    for name, path in make_clips(args.folder, args.size, args.frames).items():
        print(f"{name}: {path}")


if __name__ == "__main__":
    main()
