"""Animated GIF output through Pillow, whose palettes beat FFmpeg's GIF encoder.

GIF has no audio and counts time in hundredths of a second; frame delays are taken from the
rounded cumulative times so a 29.97 fps clip does not drift. Pillow merges identical consecutive
frames into one longer frame, so a reader may see fewer frames than were written.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image



class GifSink:
    """Collects palette frames (1 byte a pixel; Pillow needs them all at once) and saves on finish."""

    def __init__(self, path: Path, fps: Fraction, time_base: Fraction):
        self._path = path
        self._frame_time = 1 / fps
        self._time_base = time_base
        self._frames: list[Image.Image] = []
        self._times: list[Fraction] = []

    def write(self, rgb: np.ndarray, pts: int) -> None:
        picture = Image.fromarray(rgb)
        self._frames.append(
            picture.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.FLOYDSTEINBERG)
        )
        self._times.append(pts * self._time_base)

    def finish(self) -> None:
        ticks = [round(t * 100) for t in [*self._times, self._times[-1] + self._frame_time]]
        delays_ms = [max(10, (b - a) * 10) for a, b in itertools.pairwise(ticks)]
        first, *rest = self._frames
        # an OSError (full disk, ...) reaches atomic_output, which names the output and the cause
        first.save(self._path, format="GIF", save_all=True, append_images=rest, duration=delays_ms, loop=0)
        self.close()

    def close(self) -> None:
        self._frames.clear()
