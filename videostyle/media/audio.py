"""The audio side of VideoWriter: copy, re-encode or drop a soundtrack, muxed in step with the video.

Copying keeps the source's audio bit for bit; it is only possible when the output container takes
the codec and nothing is cut. Otherwise the audio is decoded, cut to the trimmed window with sample
accuracy, shifted like the video and encoded to the container's usual codec.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal

import av
import numpy as np

from ..errors import InputError, VideostyleWarning
from .video_reader import BROKEN_MEDIA, as_fraction, codec_name, demux_salvaged, open_input

AudioMode = Literal["copy", "transcode", "drop"]

# Codecs each container takes as they are. Checked by writing them with this FFmpeg build:
# `supported_codecs` claims more (flac and opus in .mov fail at the header).
_COPYABLE: dict[str, frozenset[str]] = {
    ".mp4": frozenset({"aac", "mp3", "ac3", "eac3", "alac", "opus", "flac"}),
    ".mov": frozenset({"aac", "mp3", "ac3", "eac3", "alac", "pcm_s16le", "pcm_s24le"}),
    ".mkv": frozenset({"aac", "mp3", "ac3", "eac3", "alac", "opus", "vorbis", "flac", "pcm_s16le", "pcm_s24le", "dts"}),
    ".webm": frozenset({"opus", "vorbis"}),
}
# Encoder, its sample format and bit rate for re-encoded audio; containers not listed hold no audio.
_ENCODERS: dict[str, tuple[str, str, int]] = {
    ".mp4": ("aac", "fltp", 192_000),
    ".mov": ("aac", "fltp", 192_000),
    ".mkv": ("aac", "fltp", 192_000),
    ".webm": ("libopus", "flt", 128_000),
}


@dataclass(frozen=True)
class PcmAudio:
    """Synthesised audio: float32 chunks shaped (channels, samples) in [-1, 1] at ``rate`` Hz."""

    chunks: Iterable[np.ndarray]
    rate: int
    channels: int = 2

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.channels not in (1, 2):
            raise ValueError(
                f"PcmAudio needs a positive rate and 1 or 2 channels, not {self.rate} Hz x {self.channels}"
            )


@dataclass(frozen=True)
class AudioFile:
    """A soundtrack given apart from the video (``--audio FILE``): its first sample plays with the
    output's first frame and it is cut after ``seconds`` (the video's length; None: it all). Always
    re-encoded, since it is cut."""

    path: Path
    seconds: float | None = None

    def window(self, stream: av.audio.stream.AudioStream) -> Window:
        start = float(stream.start_time * as_fraction(stream.time_base)) if stream.start_time is not None else 0.0
        return Window(start, None if self.seconds is None else start + self.seconds)


AudioSource = str | os.PathLike | PcmAudio | AudioFile


def plan_audio(source: AudioSource | None, ext: str, trimmed: bool) -> AudioMode | None:
    """Decide up front what happens to the soundtrack; None when there is none to begin with."""
    if source is None:
        return None
    if isinstance(source, PcmAudio):
        codec = None
    elif isinstance(source, AudioFile):
        with open_input(source.path) as container:
            if not container.streams.audio:
                raise InputError(f"{source.path} has no audio stream to put under the video")
        codec = None
    else:
        with open_input(source) as container:
            _warn_dropped(source, container, ext)
            if not container.streams.audio:
                return None
            codec = codec_name(container.streams.audio[0])
    if ext not in _ENCODERS:
        return "drop"
    if codec in _COPYABLE[ext] and not trimmed:
        return "copy"
    return "transcode"


class StreamsDropped(VideostyleWarning):
    """The output keeps one video and at most one audio stream; the source had more."""


def _warn_dropped(source: AudioSource, container: av.container.InputContainer, ext: str) -> None:
    """Say which streams of the source the output will not have (extra audio, subtitles, data, ...)."""
    streams = container.streams
    audio_kept = 1 if ext in _ENCODERS else 0
    dropped = []
    if len(streams.audio) > audio_kept:
        dropped.append(f"{len(streams.audio) - audio_kept} audio")
    if len(streams.video) > 1:
        dropped.append(f"{len(streams.video) - 1} extra video")
    for kind, group in (("subtitle", streams.subtitles), ("data", streams.data), ("attachment", streams.attachments)):
        if group:
            dropped.append(f"{len(group)} {kind}")
    if dropped:
        warnings.warn(
            StreamsDropped(f"{source}: the output leaves out its {', '.join(dropped)} stream(s)"), stacklevel=3
        )


@dataclass(frozen=True)
class Window:
    """The part of the source audio to keep, in source seconds; ``shift`` becomes output time 0."""

    shift: float = 0.0
    end: float | None = None


class AudioTrack:
    """An output audio stream fed from a packet iterator, always muxed up to the video's time."""

    def __init__(self, out: av.container.OutputContainer, packets: Iterator[av.Packet], closer: contextlib.ExitStack):
        self._out = out
        self._packets = packets
        self._closer = closer
        self._pending: av.Packet | None = next(self._packets, None)

    def mux_until(self, seconds: float) -> None:
        """Mux the audio packets that start before ``seconds`` (output time) so memory stays flat."""
        while self._pending is not None and _packet_time(self._pending) <= seconds:
            self._out.mux(self._pending)
            self._pending = next(self._packets, None)

    def finish(self) -> None:
        """Mux everything that is left, then release the source."""
        self.mux_until(float("inf"))
        self.close()

    def close(self) -> None:
        self._closer.close()


def open_audio_track(
    out: av.container.OutputContainer, ext: str, source: AudioSource, mode: AudioMode, window: Window
) -> AudioTrack:
    """Add the audio stream to ``out`` (before its header is written) and return its feeder."""
    closer = contextlib.ExitStack()
    if isinstance(source, PcmAudio):
        frames: Iterator[av.AudioFrame] = _pcm_frames(source)
        channels = source.channels
        rate = source.rate
    else:
        container = closer.enter_context(open_input(source.path if isinstance(source, AudioFile) else source))
        stream = container.streams.audio[0]
        window = source.window(stream) if isinstance(source, AudioFile) else window
        if mode == "copy":
            out_stream = out.add_stream_from_template(stream)
            return AudioTrack(out, _copied(container, stream, out_stream), closer)
        _seek_audio(container, stream, window.shift)
        frames = decode_audio(container, stream)
        channels = stream.codec_context.channels
        rate = stream.codec_context.sample_rate
    codec, sample_format, bit_rate = _ENCODERS[ext]
    out_stream = out.add_stream(codec, rate=_supported_rate(codec, rate))
    out_stream.layout = _layout(channels)
    out_stream.format = sample_format
    out_stream.bit_rate = bit_rate
    out_stream.time_base = Fraction(1, out_stream.rate)
    return AudioTrack(out, _encoded(frames, out_stream, window), closer)


def _copied(
    container: av.container.InputContainer, stream: av.audio.stream.AudioStream, out_stream: av.audio.stream.AudioStream
) -> Iterator[av.Packet]:
    for packet in demux_salvaged(container, stream):
        if packet.size == 0:  # demux's end-of-stream marker, not data
            continue
        packet.stream = out_stream
        yield packet


def decode_audio(container: av.container.InputContainer, stream: av.audio.stream.AudioStream) -> Iterator[av.AudioFrame]:
    """The decoded frames of ``stream``, skipping damaged packets (also the analysis of timeline.audio)."""
    for packet in demux_salvaged(container, stream):
        try:
            yield from packet.decode()
        except BROKEN_MEDIA:
            continue  # a damaged packet costs a few milliseconds of sound, not the track


def _pcm_frames(source: PcmAudio) -> Iterator[av.AudioFrame]:
    position = 0
    for chunk in source.chunks:
        samples = np.asarray(chunk, dtype=np.float32)
        if samples.ndim != 2 or samples.shape[0] != source.channels:
            raise ValueError(f"audio chunks must be shaped ({source.channels}, samples), not {samples.shape}")
        yield _planar_frame(samples, position, source.rate)
        position += samples.shape[1]


def _encoded(
    frames: Iterator[av.AudioFrame], out_stream: av.audio.stream.AudioStream, window: Window
) -> Iterator[av.Packet]:
    """Resample to the encoder's rate, cut to ``window`` and encode; the audio is taken as gapless.

    PyAV's encoder regroups the samples into the frame size the codec demands and keeps the pts.
    """
    first = next(frames, None)
    if first is None:
        return
    rate = out_stream.codec_context.sample_rate
    start = float(first.pts * as_fraction(first.time_base)) if first.pts is not None else 0.0
    resampler = av.AudioResampler(format="fltp", layout=out_stream.codec_context.layout.name, rate=rate)
    blocks = _resampled(resampler, itertools.chain([first], frames))
    limit = None if window.end is None else round((window.end - window.shift) * rate)
    for pts, samples in _cut(blocks, round((start - window.shift) * rate), limit):
        yield from out_stream.encode(_planar_frame(samples, pts, rate))
    yield from out_stream.encode(None)


def _resampled(resampler: av.AudioResampler, frames: Iterable[av.AudioFrame]) -> Iterator[np.ndarray]:
    """Float32 (channels, n) blocks at the output rate, including what the resampler holds back."""
    for frame in itertools.chain(frames, [None]):
        for out in resampler.resample(frame):
            yield out.to_ndarray()


def _cut(blocks: Iterator[np.ndarray], position: int, limit: int | None) -> Iterator[tuple[int, np.ndarray]]:
    """(output pts, samples) of the blocks inside [0, limit); ``position`` is the first block's pts."""
    for block in blocks:
        first, position = position, position + block.shape[1]
        lo = max(0, -first)
        hi = block.shape[1] if limit is None else min(block.shape[1], limit - first)
        if hi > lo:
            yield first + lo, block[:, lo:hi]
        if limit is not None and position >= limit:
            return


def _planar_frame(samples: np.ndarray, pts: int, rate: int) -> av.AudioFrame:
    """An fltp AudioFrame from float32 (channels, n) samples, timed in 1/rate units."""
    frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples), format="fltp", layout=_layout(samples.shape[0]))
    frame.sample_rate = rate
    frame.pts = pts
    frame.time_base = Fraction(1, rate)
    return frame


def _layout(channels: int) -> str:
    """Mono stays mono; everything else becomes stereo, which every target codec takes."""
    return "mono" if channels == 1 else "stereo"


def _supported_rate(codec: str, rate: int) -> int:
    """Keep the source rate when the encoder takes it (Opus only takes a few), else use 48 kHz."""
    rates = av.Codec(codec, "w").audio_rates
    return rate if not rates or rate in rates else 48_000


def _seek_audio(container: av.container.InputContainer, stream: av.audio.stream.AudioStream, seconds: float) -> None:
    if seconds > 0:
        with contextlib.suppress(*BROKEN_MEDIA):
            container.seek(int(Fraction(seconds) / as_fraction(stream.time_base)), stream=stream, backward=True)


def _packet_time(packet: av.Packet) -> float:
    stamp = packet.dts if packet.dts is not None else packet.pts
    return float(stamp * as_fraction(packet.time_base)) if stamp is not None else 0.0
