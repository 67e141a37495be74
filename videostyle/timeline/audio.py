"""What the music does at each video frame: loudness and onsets, whole band and per frequency band.

The soundtrack is decoded with PyAV to mono float at its own sample rate (no resampling, so nothing
smears a click across frames). Each video frame owns the samples of its presentation-time window,
from its own time to the next frame's (the last frame: one median frame duration), so the features
follow a variable frame rate exactly and a sound lands on the frame that shows it. Per frame:

- ``loudness``: the RMS of the window;
- ``onset``: spectral flux, the half-wave rectified rise of the magnitude spectrum of ~20 ms Hann
  windows a quarter window apart (a steady tone gives none; a per-frame spectrum would wobble with
  the tone's phase); each window's rise belongs to the frame in which the window ends, the moment
  it reaches the new sound, so an onset lands on its own frame unless it starts in that frame's
  last ~10 ms;
- the same per band: ``.low`` below 200 Hz, ``.mid`` 200-2000 Hz, ``.high`` above.

Every feature is divided by its maximum over the clip, so it runs 0..1 whatever the recording level.
The analysis is plain numpy on the whole clip, so a resumed job gets the same values as a whole run.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import av
import numpy as np

from ..errors import InputError
from ..media.audio import decode_audio
from ..media.video_reader import as_fraction, open_input

BANDS: dict[str, tuple[float, float]] = {"low": (0.0, 200.0), "mid": (200.0, 2000.0), "high": (2000.0, float("inf"))}
FEATURES: tuple[str, ...] = tuple(
    f"{kind}{suffix}" for kind in ("loudness", "onset") for suffix in ("", *(f".{band}" for band in BANDS))
)


@dataclass(frozen=True)
class Pcm:
    """Mono float32 ``samples`` at ``rate`` Hz; the first sample plays at ``start`` seconds of its file."""

    samples: np.ndarray
    rate: int
    start: float = 0.0

    def window(self, begin: float, end: float) -> np.ndarray:
        """The samples between ``begin`` and ``end`` seconds of the file (empty past either end)."""
        lo, hi = (max(0, round((t - self.start) * self.rate)) for t in (begin, end))
        return self.samples[lo:hi]


def decode_mono(path: str | os.PathLike) -> Pcm:
    """The first audio stream of ``path``, down-mixed to mono at its own rate; damaged packets are skipped."""
    with open_input(path) as container:
        if not container.streams.audio:
            raise InputError(f"{path} has no soundtrack to react to; give one with --audio FILE")
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        blocks, start = [], None
        for frame in [*decode_audio(container, stream), None]:
            if start is None and frame is not None and frame.pts is not None:
                start = float(frame.pts * as_fraction(frame.time_base))
            blocks.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(frame))
    samples = np.concatenate(blocks) if blocks else np.zeros(0, np.float32)
    return Pcm(samples.astype(np.float32, copy=False), rate, start or 0.0)


@dataclass(frozen=True)
class AudioFeatures:
    """Per video frame, each feature of ``FEATURES`` as an array (frames,) in 0..1."""

    values: dict[str, np.ndarray]

    def at(self, index: int) -> dict[str, float]:
        """The features of frame ``index``; frames past the analysed ones are silent."""
        return {name: float(v[index]) if index < len(v) else 0.0 for name, v in self.values.items()}


def frame_windows(times: Sequence[float]) -> list[tuple[float, float]]:
    """(begin, end) of each frame at presentation ``times``; the last lasts the median frame duration."""
    if not times:
        return []
    steps = np.diff(times)
    last = float(np.median(steps)) if len(steps) else 1 / 30
    return list(zip(times, [*times[1:], times[-1] + last], strict=True))


def analyse(pcm: Pcm, times: Sequence[float], origin: float = 0.0) -> AudioFeatures:
    """The features of the frames at ``times`` (seconds after the first frame, which plays at
    ``origin`` seconds of the audio file)."""
    windows = frame_windows(times)
    clips = [pcm.window(origin + a, origin + b).astype(np.float64) for a, b in windows]
    values = {"loudness": np.array([np.sqrt(np.mean(c**2)) if len(c) else 0.0 for c in clips])}
    values |= _spectral(pcm, [origin + a for a, _ in windows], origin + windows[-1][1] if windows else origin)
    return AudioFeatures({name: _normalised(values[name]) for name in FEATURES})


def _spectral(pcm: Pcm, begins: Sequence[float], end: float, chunk: int = 2048) -> dict[str, np.ndarray]:
    """Band loudness and spectral flux per frame (frames begin at ``begins`` seconds of the file, the
    last ends at ``end``): a window's power counts in the frame holding its centre, its rise in the
    frame holding its end."""
    size = 1 << (round(pcm.rate * 0.02) - 1).bit_length()
    hop = size // 4
    freqs = np.fft.rfftfreq(size, 1 / pcm.rate)
    masks = {"": slice(None)} | {f".{band}": (freqs >= lo) & (freqs < hi) for band, (lo, hi) in BANDS.items()}
    sums = {f"{kind}{suffix}": np.zeros(len(begins)) for kind in ("onset", "power") for suffix in masks}
    counts = np.zeros(len(begins))
    if len(pcm.samples) >= size and begins:
        hann = np.hanning(size + 1)[:-1]
        views = np.lib.stride_tricks.sliding_window_view(pcm.samples, size)[::hop]
        previous = None
        for first in range(0, len(views), chunk):
            mags = np.abs(np.fft.rfft(views[first : first + chunk] * hann, axis=1))
            rise = np.maximum(np.diff(mags, axis=0, prepend=mags[:1] if previous is None else previous[None]), 0)
            previous = mags[-1]
            starts = pcm.start + (first + np.arange(len(mags))) * hop / pcm.rate
            for kind, data, at in (("onset", rise, starts + size / pcm.rate), ("power", mags**2, starts + size / 2 / pcm.rate)):
                frame = np.searchsorted(begins, at, side="right") - 1
                inside = (frame >= 0) & (at < end)
                if kind == "power":
                    counts += np.bincount(frame[inside], minlength=len(begins))
                for suffix, mask in masks.items():
                    sums[f"{kind}{suffix}"] += np.bincount(frame[inside], data[inside][:, mask].sum(axis=1), minlength=len(begins))
    loud = {f"loudness.{band}": np.sqrt(sums[f"power.{band}"] / np.maximum(counts, 1)) for band in BANDS}
    return loud | {name: sums[name] for name in sums if name.startswith("onset")}


def _normalised(values: np.ndarray) -> np.ndarray:
    peak = values.max(initial=0.0)
    return (values / peak if peak > 0 else values).astype(np.float32)
