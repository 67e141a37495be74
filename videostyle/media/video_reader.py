"""Decode videos as a stream of upright RGB frames with their exact timestamps.

Frames are produced one at a time (a long video never sits in memory), packet by packet so the
readable part of a damaged file is still delivered, and every way a file can be broken becomes a
single InputError with a one-line message.
"""

from __future__ import annotations

import contextlib
import math
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from itertools import islice
from pathlib import Path

import av
import numpy as np

from ..errors import DamagedInput, InputError, OptionError
from .codecs import ColorTags

# PyAV raises all of these for broken input (see the field notes); they are caught at this boundary only.
BROKEN_MEDIA = (av.FFmpegError, EOFError, IndexError, UnicodeDecodeError)
_EPSILON = 1e-6  # seconds; absorbs float noise when comparing frame times with --start/--duration
_REORDER = 32  # packets read past a frame's own: H.264 and HEVC reorder at most 16 frames


@dataclass(frozen=True)
class VideoInfo:
    """What the pipeline and the writer need to know about a source video.

    Sizes are upright (after ``rotation``, the counter-clockwise display rotation: 0, 90, 180 or 270);
    ``frame_count`` may be an estimate from the duration.
    """

    width: int
    height: int
    fps: Fraction
    time_base: Fraction
    duration: float | None
    frame_count: int | None
    rotation: int
    has_audio: bool
    audio_codec: str | None
    first_number: int | None = None  # an image sequence's first frame number (None: a video file)
    color: ColorTags | None = None  # a video's colour tags, carried to its output (None: BT.709, limited)

    def count_frames(self, start: float | None = None, duration: float | None = None) -> int | None:
        """Estimate how many frames ``read_frames(path, start, duration)`` yields, for progress bars."""
        if start is None and duration is None:
            return self.frame_count
        if self.duration is None:
            return None if duration is None else math.ceil(duration * self.fps)
        begin = start or 0.0
        end = self.duration if duration is None else min(self.duration, begin + duration)
        return max(0, math.ceil((end - begin) * self.fps - _EPSILON))


@dataclass(frozen=True, eq=False)
class Frame:
    """One picture and its presentation timestamp: upright RGB (H, W, 3), uint8 or float32 in [0, 1]
    (deep sources: 16-bit and EXR sequences), plus what compositing needs, carried beside the engines:
    the source's ``alpha`` (H, W) in its own pixel type, the ``matte`` (H, W) float32 in [0, 1]
    that says where the result replaces the input (see video.matte), and the ``base`` (H', W', 3)
    that the matte's black keeps instead of the input (a background rendered in another style)."""

    rgb: np.ndarray
    pts: int
    time_base: Fraction
    alpha: np.ndarray | None = None
    matte: np.ndarray | None = None
    base: np.ndarray | None = None

    @property
    def time(self) -> float:
        """Presentation time in seconds."""
        return float(self.pts * self.time_base)


def as_fraction(value: object) -> Fraction:
    """Normalise PyAV's time bases and rates (Fraction in PyAV 18, AVRational in 19) to Fraction."""
    return Fraction(value.numerator, value.denominator)  # type: ignore[attr-defined]


@contextlib.contextmanager
def open_input(path: str | os.PathLike) -> Iterator[av.container.InputContainer]:
    """Open a media file for reading, turning every kind of breakage into one InputError."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} does not exist")
    if path.is_dir():
        raise InputError(f"{path} is a folder; give a video file")
    if path.stat().st_size == 0:
        raise InputError(f"{path} is empty (0 bytes)")
    try:
        container = av.open(str(path), mode="r")
    except BROKEN_MEDIA as exc:
        raise InputError(f"cannot read {path} as a video ({describe(exc)}); is it a complete media file?") from exc
    with container:
        yield container


def probe_video(path: str | os.PathLike) -> VideoInfo:
    """Describe ``path``; decodes its first frame, which proves it is readable and gives the rotation."""
    with open_input(path) as container:
        stream = _video_stream(container, path)
        first = next(_decode(container, stream), None)
        if first is None:
            raise InputError(f"no video frame could be decoded from {path}; the file is damaged")
        fps = _frame_rate(stream, path)
        time_base = as_fraction(stream.time_base)
        duration = _duration(container, stream, time_base)
        rotation = _quarter_turns(first.rotation) * 90
        width, height = (first.height, first.width) if rotation % 180 else (first.width, first.height)
        frames = stream.frames or (round(duration * fps) if duration else None)
        audio = container.streams.audio[0] if container.streams.audio else None
        return VideoInfo(
            width=width,
            height=height,
            fps=fps,
            time_base=time_base,
            duration=duration,
            frame_count=frames,
            rotation=rotation,
            has_audio=audio is not None,
            audio_codec=codec_name(audio) if audio is not None else None,
            color=ColorTags.of(first),
        )


def read_frames(
    path: str | os.PathLike, start: float | None = None, duration: float | None = None, skip: int = 0
) -> Iterator[Frame]:
    """Yield the upright frames of ``path`` whose time lies in [start, start + duration), from the
    ``skip``-th of them on.

    A chunk worker or a resumed job starts deep into a long film: rather than decode every frame
    before it, the reader seeks to the keyframe before frame ``skip`` (its timestamp found among the
    packets, which are read but not decoded) and decodes from there. When the first frame decoded
    there is not the one the packets promised, it decodes from the start instead, so the frames and
    timestamps are always those of a plain read.
    """
    check_trim(start, duration)
    begin = start or 0.0
    end = math.inf if duration is None else begin + duration
    found = _frame_at(path, begin, end, skip) if skip else None
    if found is not None:
        frames = _read(path, begin, end, found, skip)
        try:
            first = next(frames, None)
            if first is not None and first.pts == found[1]:
                yield first
                yield from frames
                return
        finally:
            frames.close()  # type: ignore[attr-defined]
    yield from islice(_read(path, begin, end), skip, None)


def _read(
    path: str | os.PathLike, begin: float, end: float, seek: tuple[int, int] | None = None, skipped: int = 0
) -> Iterator[Frame]:
    """The frames in [begin, end); with ``seek`` (a keyframe's pts, a frame's pts) those from that pts on,
    decoded from the keyframe (``skipped``: how many frames come before it, for the warning)."""
    yielded = 0
    last: float | None = None
    with open_input(path) as container:
        stream = _video_stream(container, path)
        time_base = as_fraction(stream.time_base)
        if seek is not None:
            with contextlib.suppress(*BROKEN_MEDIA):
                container.seek(seek[0], stream=stream, backward=True)
        elif begin > 0:
            _seek(container, stream, begin, time_base)
        for frame in _decode(container, stream):
            time = frame.pts * time_base
            if time < begin - _EPSILON or (seek is not None and frame.pts < seek[1]):
                continue  # the seek landed on the keyframe before the start
            if time >= end - _EPSILON:
                break
            yielded += 1
            last = float(time)
            rgb, alpha = _upright_pixels(frame)
            yield Frame(rgb=rgb, pts=frame.pts, time_base=time_base, alpha=alpha)
        else:
            _warn_if_cut_short(path, container, stream, time_base, skipped + yielded, last, end)
    if yielded == 0 and seek is None:
        if begin > 0:
            raise InputError(f"{path} has no video frame after {begin:g} s; use a smaller --start")
        raise InputError(f"no video frame could be decoded from {path}; the file is damaged")


def _frame_at(path: str | os.PathLike, begin: float, end: float, index: int) -> tuple[int, int] | None:
    """Where frame ``index`` of [begin, end) is: the pts of the last keyframe before it and its own
    pts, from the packets alone (None: the packets do not tell, so decode from the start)."""
    with open_input(path) as container:
        stream = _video_stream(container, path)
        time_base = as_fraction(stream.time_base)
        if begin > 0:
            _seek(container, stream, begin, time_base)
        keys: list[int] = []  # pts of each keyframe
        stamps: list[int] = []
        for packet in demux_salvaged(container, stream):
            if packet.size == 0:
                continue
            if packet.pts is None:
                return None
            if packet.is_keyframe:
                keys.append(packet.pts)
            if begin - _EPSILON <= packet.pts * time_base < end - _EPSILON:
                stamps.append(packet.pts)
            if len(stamps) > index + _REORDER:
                break
    if index >= len(stamps):
        return None
    pts = sorted(stamps)[index]
    before = [key for key in keys if key <= pts]
    return (before[-1], pts) if before else None


def _warn_if_cut_short(
    path: str | os.PathLike,
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    time_base: Fraction,
    frames: int,
    last: float | None,
    end: float,
) -> None:
    """Say (as a DamagedInput warning) when decoding stopped well before the length the file states."""
    stated = _duration(container, stream, time_base)
    if stated is None or last is None:
        return
    wanted = min(stated, end)
    slack = 2 * float(_pts_step(stream) * time_base)  # the last frame starts one frame before the end
    if last + slack < wanted - _EPSILON:
        warnings.warn(
            DamagedInput(
                f"{path} is damaged or cut short: only {frames} frames, up to {last:.2f} s of its "
                f"{stated:.2f} s, could be read"
            ),
            stacklevel=2,
        )


def codec_name(stream: av.stream.Stream) -> str | None:
    """The codec's own name (mp3), not its decoder's (mp3float), which is what containers list."""
    context = stream.codec_context
    return context.codec.canonical_name if context is not None else None


def check_trim(start: float | None, duration: float | None) -> None:
    """Reject trimming values that cannot select anything."""
    if start is not None and not (start >= 0 and math.isfinite(start)):
        raise OptionError(f"--start must be 0 or more seconds, not {start}")
    if duration is not None and not (duration > 0 and math.isfinite(duration)):
        raise OptionError(f"--duration must be more than 0 seconds, not {duration}")


def describe(exc: BaseException) -> str:
    """First line of an exception's message, without FFmpeg's errno and file name, for one-line errors."""
    text = (getattr(exc, "strerror", None) if isinstance(exc, av.FFmpegError) else None) or str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _video_stream(container: av.container.InputContainer, path: str | os.PathLike) -> av.video.stream.VideoStream:
    if not container.streams.video:
        raise InputError(f"{path} has no video stream")
    stream = container.streams.video[0]
    if stream.codec_context is None:
        raise InputError(f"{path}: this FFmpeg build has no decoder for its video codec")
    stream.thread_type = "AUTO"
    return stream


def demux_salvaged(container: av.container.InputContainer, stream: av.stream.Stream) -> Iterator[av.Packet]:
    """Packets of ``stream`` up to its end, or up to where the file is damaged beyond reading."""
    packets = container.demux(stream)
    while True:
        try:
            yield next(packets)
        except (StopIteration, *BROKEN_MEDIA):
            return


def _decode(container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> Iterator[av.VideoFrame]:
    """Decode packet by packet so a damaged packet costs its frames only, not the rest of the file."""
    last_pts: int | None = None
    step = _pts_step(stream)
    for packet in demux_salvaged(container, stream):
        try:
            frames = packet.decode()
        except BROKEN_MEDIA:
            continue
        for frame in frames:
            if frame.pts is None:  # raw streams without timestamps: continue the sequence
                frame.pts = 0 if last_pts is None else last_pts + step
            last_pts = frame.pts
            yield frame


def _pts_step(stream: av.video.stream.VideoStream) -> int:
    rate = stream.average_rate or stream.base_rate or stream.guessed_rate
    if not rate:
        return 1
    return max(1, round(1 / (as_fraction(rate) * as_fraction(stream.time_base))))


def _seek(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream, seconds: float, time_base: Fraction
) -> None:
    """Jump near ``seconds``; when the file cannot seek, decoding from the start still works."""
    with contextlib.suppress(*BROKEN_MEDIA):
        container.seek(math.floor(Fraction(seconds) / time_base), stream=stream, backward=True)


def _frame_rate(stream: av.video.stream.VideoStream, path: str | os.PathLike) -> Fraction:
    """The average rate, snapped to the exact rate the timestamps were made for when they agree.

    Matroska's millisecond timestamps average to 2997/100 where the stream is really 30000/1001.
    """
    average, base = stream.average_rate, stream.base_rate
    if average and base and abs(as_fraction(average) / as_fraction(base) - 1) < Fraction(1, 500):
        return as_fraction(base)
    for rate in (average, base, stream.guessed_rate):
        if rate:
            return as_fraction(rate)
    raise InputError(f"cannot tell the frame rate of {path}")


def _duration(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream, time_base: Fraction
) -> float | None:
    if stream.duration:
        return float(stream.duration * time_base)
    if container.duration:
        return container.duration / av.time_base
    return None


def _quarter_turns(rotation: float) -> int:
    """Display rotation (counter-clockwise degrees) as a number of quarter turns in 0..3."""
    return round(rotation / 90) % 4


def _upright_pixels(frame: av.VideoFrame) -> tuple[np.ndarray, np.ndarray | None]:
    """uint8 RGB for 8-bit video; float32 RGB for deeper video (10-bit, ProRes), with its uint16 alpha if any."""
    components = frame.format.components
    alpha = None
    if any(c.is_alpha for c in components):
        rgba = frame.to_ndarray(format="rgba64le")
        rgb, alpha = rgba[..., :3].astype(np.float32) / np.float32(65535), np.ascontiguousarray(rgba[..., 3])
    elif max(c.bits for c in components) > 8:
        rgb = frame.to_ndarray(format="rgb48le").astype(np.float32) / np.float32(65535)
    else:
        rgb = frame.to_ndarray(format="rgb24")
    turns = _quarter_turns(frame.rotation)
    if not turns:
        return rgb, alpha
    return np.ascontiguousarray(np.rot90(rgb, k=turns)), None if alpha is None else np.ascontiguousarray(np.rot90(alpha, k=turns))
