"""Encode frames into a video file with the source's exact timing and, where possible, its audio.

Output goes to a temporary file renamed only on success (an exception or a closed generator leaves
any existing output untouched). H.264 (.mp4/.mov/.mkv) and VP9 (.webm) go through PyAV with an
explicit conversion by the source's matrix and range (its colour tags, BT.709 limited range when it
has none); .gif goes through Pillow.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import av
import numpy as np

from ..errors import OptionError, OutputError
from ..names import DEFAULT_X264_PRESET
from .atomic import atomic_output, check_writable
from .audio import AudioMode, AudioSource, AudioTrack, Window, open_audio_track, plan_audio
from .gif import GifSink
from .codecs import ColorTags, Encoding, check_encoding, rgb_picture
from .images import as_uint8
from .kinds import VIDEO_EXTS
from .video_reader import BROKEN_MEDIA, Frame, VideoInfo, as_fraction, check_trim, describe

X264_PRESETS = (
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
    "placebo",
)
# libvpx has no presets; its speed knob is cpu-used (0 = slowest, best).
_VP9_CPU_USED = dict(zip(X264_PRESETS, (8, 7, 6, 5, 4, 4, 3, 2, 1, 0), strict=True))
_CONTAINERS = {".mp4": "mp4", ".mov": "mov", ".mkv": "matroska", ".webm": "webm"}
X264_PARAMS = "mbtree=0"
"""libx264 settings beyond crf and preset. Macroblock-tree rate control is off because its SIMD code
reads memory it never wrote: the same frames then encode differently from one run to the next
(seen at 64x42, 200x120 and 320x180), and resumed or segmented runs could never be
bit-identical. Measured on samples/clip.mp4 at crf 18: 2.8 % more bytes, 0.1 dB higher PSNR."""


class VideoWriter:
    """Context manager that writes :class:`Frame` objects (or bare uint8 RGB arrays) to ``path``.

    With ``like`` the output keeps the source's frame rate, time base and colour tags and each frame
    keeps its pts; with ``like=None`` give ``fps`` and frames are spaced 1/fps apart. ``start``/``duration``
    say the frames were trimmed: timestamps are shifted to start at 0 and the audio is cut to match.
    """

    def __init__(
        self,
        path: str | os.PathLike,
        like: VideoInfo | None = None,
        *,
        fps: Fraction | int | None = None,
        audio_from: AudioSource | None = None,
        start: float | None = None,
        duration: float | None = None,
        crf: int = 18,
        preset: str = DEFAULT_X264_PRESET,
        overwrite: bool = False,
        encoding: Encoding = Encoding(),
    ):
        self.path = Path(path)
        self._ext = self.path.suffix.lower()
        if self._ext not in VIDEO_EXTS:
            accepted = " ".join(sorted(VIDEO_EXTS))
            raise OutputError(
                f"{self.path}: cannot write {self._ext or 'no extension'!r} videos; use one of {accepted}"
            )
        if like is None and fps is None:
            raise ValueError("VideoWriter needs `like` (a probed source) or `fps`")
        _check_quality(crf, preset)
        check_encoding(encoding, self._ext)
        self._encoding = encoding
        check_trim(start, duration)
        check_writable(self.path, overwrite)
        self.fps = Fraction(like.fps if like is not None else fps)
        if self.fps <= 0:
            raise OptionError(f"frame rate must be positive, not {self.fps}")
        self.time_base = like.time_base if like is not None else 1 / self.fps
        self._color = (like.color if like is not None and like.color is not None else ColorTags()).for_codec(encoding.spec)
        self._trimmed = start is not None or duration is not None
        self._end = None if duration is None else (start or 0.0) + duration
        self._audio_source = audio_from
        self.audio_mode: AudioMode | None = plan_audio(audio_from, self._ext, self._trimmed)
        self._crf, self._preset, self._overwrite = crf, preset, overwrite
        self._expected_frames = like.count_frames(start, duration) if like is not None else None
        self._size: tuple[int, int] | None = None
        self._shift = 0
        self._stack: contextlib.ExitStack | None = None
        self._tmp: Path | None = None
        self._sink: GifSink | _AvSink | None = None
        self.frames_written = 0

    def __enter__(self) -> VideoWriter:
        stack = contextlib.ExitStack()
        self._tmp = stack.enter_context(atomic_output(self.path, self._overwrite))
        stack.callback(self._close_sink)
        self._stack = stack
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        stack, self._stack = self._stack, None
        if stack is None:
            return
        if exc_type is not None:  # includes GeneratorExit: discard the temporary file
            stack.__exit__(exc_type, exc, tb)
            return
        with stack:
            if self._sink is None:
                raise OutputError(f"no frames were given, so {self.path} was not written")
            self._sink.finish()

    def write(self, frame: Frame | np.ndarray) -> None:
        """Encode one frame; all frames must have the same size (H.264/VP9 need it even)."""
        if self._stack is None:
            raise RuntimeError("use VideoWriter in a `with` block")
        rgb = frame.rgb if isinstance(frame, Frame) else frame
        if rgb.dtype not in (np.uint8, np.float32) or rgb.ndim != 3 or rgb.shape[2] != 3:
            raise ValueError(f"frames must be uint8 or float32 (H, W, 3) RGB, got {rgb.dtype} {rgb.shape}")
        alpha = frame.alpha if isinstance(frame, Frame) else None
        pts = self._pts(frame)
        if self._sink is None:
            self._sink = self._open_sink(rgb.shape[1], rgb.shape[0], pts)
        elif (rgb.shape[1], rgb.shape[0]) != self._size:
            raise ValueError(f"frame size changed from {self._size} to {rgb.shape[1]}x{rgb.shape[0]}")
        if isinstance(self._sink, GifSink):
            self._sink.write(as_uint8(rgb), pts - self._shift)
        else:
            self._sink.write(rgb, pts - self._shift, alpha)
        self.frames_written += 1

    def _pts(self, frame: Frame | np.ndarray) -> int:
        """The frame's own timestamp in the output time base, or its index spaced 1/fps apart."""
        if isinstance(frame, np.ndarray):
            return round(self.frames_written / (self.fps * self.time_base))
        return rebase(frame, self.time_base)

    def _open_sink(self, width: int, height: int, first_pts: int) -> GifSink | _AvSink:
        self._size = (width, height)
        if self._expected_frames:
            check_free_space(self.path, estimate_bytes(width, height, self._expected_frames, self._crf, self._ext))
        if self._trimmed:
            self._shift = first_pts
        if self._ext == ".gif":
            return GifSink(self._tmp, self.fps, self.time_base)
        if width % 2 or height % 2:
            raise OutputError(
                f"{self.path}: frames are {width}x{height}, but {self._ext} video needs an even width and height; "
                "round the size to even numbers"
            )
        audio = (self._audio_source, self.audio_mode) if self.audio_mode in ("copy", "transcode") else None
        window = Window(shift=float(self._shift * self.time_base), end=self._end)
        return _AvSink(
            self._tmp, self._ext, (width, height), self.fps, self.time_base, self._crf, self._preset, audio, window,
            encoding=self._encoding, color=self._color,
        )

    def _close_sink(self) -> None:
        if self._sink is not None:
            self._sink.close()


class _AvSink:
    """PyAV side of the writer: one video stream, optionally one audio stream fed in step.

    With ``template`` (a stream of an already encoded file) the video is not encoded here but copied:
    its packets come through :meth:`mux_packet` and keep the template's codec parameters.
    """

    def __init__(
        self,
        tmp: Path,
        ext: str,
        size: tuple[int, int],
        fps: Fraction,
        time_base: Fraction,
        crf: int,
        preset: str,
        audio: tuple[AudioSource, AudioMode] | None,
        window: Window,
        template: av.video.stream.VideoStream | None = None,
        encoding: Encoding = Encoding(),
        color: ColorTags = ColorTags(),
    ):
        self._closed = False
        self._encoding = encoding
        self._color = color
        self._encodes = template is None
        self._time_base = time_base
        self._audio: AudioTrack | None = None
        options = {"movflags": "+faststart"} if ext in (".mp4", ".mov") else {}
        try:
            self._out = av.open(str(tmp), mode="w", format=_CONTAINERS[ext], container_options=options)
        except BROKEN_MEDIA as exc:
            raise OutputError(f"cannot write {tmp}: {describe(exc)}") from exc
        try:
            if template is None:
                self._video = _add_video_stream(self._out, ext, size, fps, time_base, crf, preset, encoding, color)
            else:
                self._video = self._out.add_stream_from_template(template)
                self._video.codec_context.framerate = fps  # a template carries no frame rate
            if audio is not None:
                self._audio = open_audio_track(self._out, ext, *audio, window)
            self._out.start_encoding()  # every stream is added: write the header now
        except BaseException:
            self.close()
            raise

    def write(self, rgb: np.ndarray, pts: int, alpha: np.ndarray | None = None) -> None:
        picture = rgb_picture(rgb, alpha, self._encoding)
        # Convert with the tagged matrix ourselves: FFmpeg's implicit conversion uses BT.601.
        yuv = picture.reformat(format=self._encoding.format, dst_colorspace=self._color.matrix, dst_color_range=self._color.range)
        yuv.pts = pts
        yuv.time_base = self._time_base
        self._mux(self._video.encode(yuv))

    def mux_packet(self, packet: av.Packet) -> None:
        """Copy one already encoded video packet (templated sinks only)."""
        packet.stream = self._video
        self._mux([packet])

    def finish(self) -> None:
        if self._encodes:
            self._mux(self._video.encode(None))
        if self._audio is not None:
            self._audio.finish()
        self.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._audio is not None:
            self._audio.close()
        self._out.close()

    def _mux(self, packets: list[av.Packet]) -> None:
        for packet in packets:
            if self._audio is not None:
                stamp = packet.dts if packet.dts is not None else packet.pts
                self._audio.mux_until(float(stamp * as_fraction(packet.time_base)))
            self._out.mux(packet)


def rebase(frame: Frame, time_base: Fraction) -> int:
    """``frame.pts`` expressed in ``time_base`` (exact when the bases match)."""
    if frame.time_base == time_base:
        return frame.pts
    return round(frame.pts * frame.time_base / time_base)


def _add_video_stream(
    out: av.container.OutputContainer,
    ext: str,
    size: tuple[int, int],
    fps: Fraction,
    time_base: Fraction,
    crf: int,
    preset: str,
    encoding: Encoding = Encoding(),
    color: ColorTags = ColorTags(),
) -> av.video.stream.VideoStream:
    spec = encoding.spec
    if ext == ".webm":
        stream = out.add_stream("libvpx-vp9", rate=fps)
        stream.options = {"crf": str(crf), "b": "0", "cpu-used": str(_VP9_CPU_USED[preset]), "row-mt": "1"}
    elif spec.encoder == "libx264":
        stream = out.add_stream("libx264", rate=fps)
        stream.options = {"crf": str(crf), "preset": preset, "x264-params": X264_PARAMS}
    elif spec.encoder == "libx265":
        stream = out.add_stream("libx265", rate=fps)
        stream.options = {"crf": str(crf), "preset": preset, "x265-params": "log-level=error"}
    else:
        stream = out.add_stream(spec.encoder, rate=fps)
        stream.options = dict(spec.options)
    stream.width, stream.height = size
    stream.pix_fmt = encoding.format
    stream.time_base = time_base
    context = stream.codec_context
    context.time_base = time_base
    color.tag(context)
    return stream


def estimate_bytes(width: int, height: int, frames: int, crf: int, ext: str) -> int:
    """A generous guess of the encoded size: about 0.05 bytes a pixel at crf 18, doubling every 6 crf lower."""
    per_pixel = 0.5 if ext == ".gif" else min(2.0, 0.05 * 2 ** ((18 - crf) / 6))
    return int(width * height * frames * per_pixel)


def check_free_space(path: Path, needed: int) -> None:
    """Refuse to start a video the disk cannot hold, instead of failing when it is full hours later."""
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        return  # no figure to go by: the write itself will tell
    if needed > free:
        raise OutputError(
            f"cannot write {path}: about {needed / 1e6:.0f} MB needed but only {free / 1e6:.0f} MB free there; "
            "free some space, or use a smaller --size or a higher --crf"
        )


def _check_quality(crf: int, preset: str) -> None:
    """PyAV silently ignores bad encoder options, so they are checked here."""
    if isinstance(crf, bool) or not isinstance(crf, int) or not 0 <= crf <= 51:
        raise OptionError(f"--crf must be a whole number from 0 (lossless) to 51 (worst), not {crf!r}")
    if preset not in X264_PRESETS:
        raise OptionError(f"--preset must be one of {', '.join(X264_PRESETS)}, not {preset!r}")
