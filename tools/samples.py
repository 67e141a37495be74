"""Make the demo media in samples/: a content photo, a short clip with sound, three style images.

Everything is generated deterministically (fixed seeds) from freely licensed photos that ship with
scikit-image and from procedural drawings, so the samples can be rebuilt anywhere with
``python tools/samples.py samples``.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np

from videostyle.errors import VideostyleError
from videostyle.media.atomic import check_writable
from videostyle.media.audio import PcmAudio
from videostyle.media.images import frame_to_tensor, write_image
from videostyle.media.video_writer import VideoWriter

STYLE_SIZE = 512
CLIP_SIZE = (384, 256)
CLIP_FPS = Fraction(24)
CLIP_SECONDS = 4
AUDIO_RATE = 48_000


def _skimage_photo(name: str) -> np.ndarray:
    """A photo from scikit-image's bundled data (uint8 RGB); scikit-image is a dev extra only."""
    try:
        from skimage import data
    except ImportError as exc:
        raise VideostyleError("making samples needs scikit-image: pip install 'videostyle[dev]'") from exc
    return np.ascontiguousarray(getattr(data, name)())


def _smooth_noise(size: int, cells: int, rng: np.random.Generator) -> np.ndarray:
    """Band-limited noise in [-1, 1]: a coarse random grid, upscaled with bicubic interpolation."""
    coarse = rng.uniform(-1.0, 1.0, (cells + 3, cells + 3)).astype(np.float32)
    scale = size / cells
    big = cv2.resize(coarse, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    offset = int(scale * 1.5)
    return np.clip(big[offset : offset + size, offset : offset + size], -1.0, 1.0)


def _to_uint8(rgb: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(rgb * 255.0), 0, 255).astype(np.uint8)


# ---- style (a): stained glass -------------------------------------------------------------------

_GLASS = np.array(
    [
        [0.75, 0.06, 0.12],  # ruby
        [0.05, 0.22, 0.70],  # cobalt
        [0.04, 0.55, 0.28],  # emerald
        [0.95, 0.62, 0.05],  # amber
        [0.45, 0.10, 0.60],  # violet
        [0.05, 0.55, 0.70],  # turquoise
        [0.90, 0.35, 0.05],  # orange
    ],
    dtype=np.float32,
)


def _two_nearest(size: int, seeds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pixel: index of the nearest seed, its distance and the second-nearest distance."""
    xs = np.arange(size, dtype=np.float32)
    rows = []
    for y in range(0, size, 64):  # in bands of rows, to keep memory small
        ys = np.arange(y, min(y + 64, size), dtype=np.float32)
        dist = np.hypot(xs[None, :, None] - seeds[:, 0], ys[:, None, None] - seeds[:, 1])
        nearest = np.argpartition(dist, 1, axis=2)[..., :2]  # [..., 0] is the closest
        rows.append((nearest[..., 0], *np.moveaxis(np.take_along_axis(dist, nearest, axis=2), 2, 0)))
    return tuple(np.concatenate(parts) for parts in zip(*rows, strict=True))  # type: ignore[return-value]


def stained_glass(size: int = STYLE_SIZE, seed: int = 1) -> np.ndarray:
    """Voronoi panes of saturated glass, lit from behind, held by thick dark lead lines."""
    rng = np.random.default_rng(seed)
    seeds = rng.uniform(0, size, (110, 2)).astype(np.float32)
    cell, d1, d2 = _two_nearest(size, seeds)

    colours = _GLASS[rng.integers(0, len(_GLASS), len(seeds))]
    colours = np.clip(colours * rng.uniform(0.8, 1.2, (len(seeds), 1)), 0, 1)
    glass = colours[cell]
    glow = np.exp(-((d1 / 55.0) ** 2))[..., None]  # brighter towards each pane's centre
    mottle = _smooth_noise(size, 48, rng)[..., None]
    glass = glass * (0.55 + 0.6 * glow) + 0.08 * mottle + 0.25 * glow**3
    lead = np.clip((d2 - d1 - 3.0) / 2.0, 0.0, 1.0)[..., None]  # 0 on the lead lines, soft edge
    rgb = glass * lead + np.array([0.06, 0.05, 0.05], np.float32) * (1 - lead)
    return _to_uint8(rgb)


# ---- style (b): swirling brush strokes -----------------------------------------------------------

_PAINT = np.array(
    [
        [0.98, 0.80, 0.20],  # cadmium yellow
        [0.95, 0.55, 0.10],  # orange
        [0.80, 0.30, 0.08],  # burnt sienna
        [0.70, 0.12, 0.10],  # crimson
        [0.99, 0.92, 0.60],  # naples yellow
        [0.15, 0.25, 0.55],  # ultramarine, for contrast
    ],
    dtype=np.float32,
)
_PAINT_WEIGHTS = np.array([0.24, 0.22, 0.18, 0.12, 0.12, 0.12])


def _swirl_field(size: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Stroke directions: a few vortices plus a noisy stream function, Van Gogh sky style."""
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    psi = 40.0 * _smooth_noise(size, 4, rng)
    for _ in range(5):
        cx, cy = rng.uniform(0.1, 0.9, 2) * size
        radius = rng.uniform(0.12, 0.25) * size
        spin = rng.choice([-1.0, 1.0]) * rng.uniform(0.6, 1.0)
        psi += spin * radius * np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * radius**2)) * 3.0
    gy, gx = np.gradient(psi)
    # Flow along the level lines of psi (divergence free, hence swirls).
    vx, vy = gy, -gx
    norm = np.hypot(vx, vy) + 1e-6
    return vx / norm, vy / norm


def brush_strokes(size: int = STYLE_SIZE, seed: int = 2) -> np.ndarray:
    """Thousands of short curved strokes of warm paint following a swirling flow field."""
    rng = np.random.default_rng(seed)
    vx, vy = _swirl_field(size, rng)
    canvas = np.zeros((size, size, 3), np.float32)
    canvas[:] = np.linspace([0.55, 0.25, 0.08], [0.85, 0.55, 0.15], size, dtype=np.float32)[:, None, :]
    for width in (9, 6, 4):  # broad underpainting first, fine strokes on top
        for _ in range(int(2.2 * size * size / width**2 / 6)):
            x, y = rng.uniform(0, size, 2)
            colour = _PAINT[rng.choice(len(_PAINT), p=_PAINT_WEIGHTS)] * rng.uniform(0.8, 1.1)
            points = [(x, y)]
            for _ in range(int(rng.integers(8, 20))):
                ix, iy = int(x) % size, int(y) % size
                x, y = x + 2.5 * vx[iy, ix], y + 2.5 * vy[iy, ix]
                points.append((x, y))
            line = np.round(np.array(points) * 16).astype(np.int32)  # 4 fractional bits: smooth curves
            dark = tuple(float(c) * 0.65 for c in colour)
            cv2.polylines(canvas, [line], False, dark, width + 2, cv2.LINE_AA, shift=4)
            cv2.polylines(canvas, [line], False, tuple(float(c) for c in colour), width, cv2.LINE_AA, shift=4)
    grain = _smooth_noise(size, 128, rng)[..., None] * 0.04
    return _to_uint8(canvas + grain)


# ---- style (c): ink rings (suminagashi marbling) -----------------------------------------------


def ink_rings(size: int = STYLE_SIZE, seed: int = 3) -> np.ndarray:
    """Concentric rings of indigo ink dropped on water, warped by a gentle current."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    warp = 0.12 * size
    wx = xs + warp * _smooth_noise(size, 3, rng) + 0.04 * size * _smooth_noise(size, 9, rng)
    wy = ys + warp * _smooth_noise(size, 3, rng) + 0.04 * size * _smooth_noise(size, 9, rng)
    drops = rng.uniform(-0.05, 1.05, (9, 2)) * size
    dist = np.min(np.hypot(wx[..., None] - drops[:, 0], wy[..., None] - drops[:, 1]), axis=2)
    period = 22.0
    phase = dist / period
    ring = 0.5 + 0.5 * np.cos(2 * np.pi * phase)  # 1 in the ink bands, 0 in the water between
    ring = np.clip((ring - 0.35) / 0.3, 0.0, 1.0)
    depth = 0.5 + 0.5 * _smooth_noise(size, 6, rng)  # the ink is uneven: indigo to cyan
    indigo = np.array([0.07, 0.10, 0.35], np.float32)
    cyan = np.array([0.10, 0.45, 0.70], np.float32)
    paper = np.array([0.93, 0.95, 0.97], np.float32)
    ink = indigo * depth[..., None] + cyan * (1 - depth[..., None])
    fine = 0.5 + 0.5 * np.cos(2 * np.pi * phase * 3)  # hairlines inside the water bands
    water = paper - (paper - cyan) * (0.25 * fine**8)[..., None]
    rgb = ink * ring[..., None] + water * (1 - ring[..., None])
    return _to_uint8(rgb)


# ---- the clip: camera pan and zoom over a photo, with a bouncing ball --------------------------


_ARCS = 3  # the ball crosses the frame in three hops, so it lands twice on screen


def _ball_position(t: float) -> tuple[float, float, float]:
    """Centre x, y and spin angle of the ball at time ``t``; it moves independently of the camera."""
    width, height = CLIP_SIZE
    x = -30 + (width + 60) * t / CLIP_SECONDS
    hop = abs(math.sin(math.pi * _ARCS * t / CLIP_SECONDS))
    return x, height - 40 - 120 * hop, -x / 28.0


def _bounce_times() -> list[float]:
    return [k * CLIP_SECONDS / _ARCS for k in range(1, _ARCS)]


def _draw_ball(frame: np.ndarray, cx: float, cy: float, angle: float, radius: float = 26.0) -> None:
    """A shaded beach ball with six coloured segments and a soft shadow on the ground, drawn in place."""
    height, width = frame.shape[:2]
    x0, x1 = max(0, int(cx - 4 * radius)), min(width, int(cx + 4 * radius) + 1)
    y0 = max(0, int(cy - radius) - 2)
    if x0 >= x1:
        return
    region = frame[y0:, x0:x1]  # the rest of the frame is untouched
    ys, xs = np.mgrid[y0:height, x0:x1].astype(np.float32)
    dx, dy = (xs - cx) / radius, (ys - cy) / radius
    r2 = dx**2 + dy**2
    shadow = np.exp(-(((xs - cx) / (radius * 1.2)) ** 2 + ((ys - (height - 14)) / (radius * 0.25)) ** 2))
    region *= (1 - 0.45 * shadow)[..., None]
    alpha = np.clip((1 - np.sqrt(r2)) * radius, 0.0, 1.0)[..., None]  # anti-aliased rim
    segments = np.floor((np.arctan2(dy, dx) + angle) / (np.pi / 3)).astype(int) % 6
    palette = np.array(
        [[0.9, 0.1, 0.1], [1.0, 1.0, 1.0], [0.1, 0.3, 0.9], [1.0, 0.85, 0.1], [0.1, 0.7, 0.3], [1.0, 1.0, 1.0]],
        np.float32,
    )
    facing = -0.4 * dx - 0.5 * dy + 0.77 * np.sqrt(np.clip(1 - r2, 0.0, 1.0))  # light from the top left
    light = np.clip(0.35 + 0.75 * facing, 0.0, 1.2)[..., None]
    highlight = (np.clip(facing, 0, 1) ** 30)[..., None]
    region[:] = region * (1 - alpha) + (palette[segments] * light + highlight * 0.6) * alpha


def clip_frames(photo: np.ndarray) -> Iterator[np.ndarray]:
    """The frames of the sample clip: a slow pan and zoom over ``photo`` with a ball bouncing by."""
    width, height = CLIP_SIZE
    src_h, src_w = photo.shape[:2]
    base = photo.astype(np.float32) / 255.0
    count = int(CLIP_SECONDS * CLIP_FPS)
    for index in range(count):
        t = index / CLIP_FPS
        ease = 0.5 - 0.5 * math.cos(math.pi * index / (count - 1))
        zoom = 1.0 + 0.2 * ease  # output pixels per source pixel
        view_w, view_h = width / zoom, height / zoom
        cx = view_w / 2 + (src_w - view_w) * (0.05 + 0.9 * ease)
        cy = src_h / 2 + 0.15 * (src_h - view_h) * math.sin(math.pi * ease)
        matrix = np.array([[zoom, 0, width / 2 - zoom * cx], [0, zoom, height / 2 - zoom * cy]], np.float32)
        frame = cv2.warpAffine(base, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
        _draw_ball(frame, *_ball_position(float(t)))
        yield _to_uint8(frame)


def clip_audio() -> np.ndarray:
    """A soft A-major chord with a slow swell, and a panned pluck at each bounce: float32 (2, n)."""
    n = CLIP_SECONDS * AUDIO_RATE
    t = np.arange(n) / AUDIO_RATE
    swell = np.sin(np.pi * t / CLIP_SECONDS) ** 2
    chord = sum(np.sin(2 * np.pi * f * t) * a for f, a in ((220.0, 0.5), (277.18, 0.35), (329.63, 0.3)))
    tremolo = 1 + 0.15 * np.sin(2 * np.pi * 4 * t)
    bed = 0.12 * chord * swell * tremolo
    left, right = bed.copy(), bed.copy()
    for when in _bounce_times():
        after = np.clip(t - when, 0, None)
        pluck = np.where(t >= when, np.sin(2 * np.pi * 880 * after) * np.exp(-after * 18), 0.0) * 0.35
        pan = min(max(_ball_position(when)[0] / CLIP_SIZE[0], 0.0), 1.0)
        left += pluck * (1 - pan)
        right += pluck * pan
    return np.stack([left, right]).astype(np.float32)


def generate(outdir: str | Path, overwrite: bool = False) -> list[Path]:
    """Write every sample into ``outdir`` and return their paths; refuses to replace files unless told."""
    outdir = Path(outdir)
    photo, clip = outdir / "photo.jpg", outdir / "clip.mp4"
    styles = {outdir / "styles" / f"{make.__name__}.png": make for make in (stained_glass, brush_strokes, ink_rings)}
    for path in (photo, clip, *styles):
        check_writable(path, overwrite)  # fail before any work, not after the first file
    write_image(frame_to_tensor(_skimage_photo("chelsea")), photo, overwrite=overwrite)
    for path, make in styles.items():
        write_image(frame_to_tensor(make()), path, overwrite=overwrite)
    sound = PcmAudio([clip_audio()], AUDIO_RATE)
    with VideoWriter(clip, fps=CLIP_FPS, audio_from=sound, crf=24, preset="slow", overwrite=overwrite) as writer:
        for frame in clip_frames(_skimage_photo("coffee")):
            writer.write(frame)
    return [photo, *styles, clip]


def _main() -> None:
    parser = argparse.ArgumentParser(prog="python tools/samples.py", description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path, help="folder to write the samples into (e.g. samples)")
    parser.add_argument("--overwrite", action="store_true", help="replace existing sample files")
    args = parser.parse_args()
    try:
        generate(args.outdir, args.overwrite)
    except VideostyleError as exc:
        parser.exit(1, f"error: {exc}\n")


if __name__ == "__main__":
    _main()
