"""The video codecs a job can write: a registry of encoders and the pixel formats each takes.

H.264 in 8 bits 4:2:0 stays the default. For finishing: 10-bit H.264/H.265 (``yuv420p10le``),
4:4:4 (``yuv444p``: no chroma subsampling, so none of its flicker), ProRes 422 HQ and ProRes 4444
(``.mov``; 4444 carries the input's alpha as ``yuva444p10le``). Frames deeper than 8 bits reach the
encoder as 16-bit RGB(A), so nothing is rounded to 8 bits on the way. Colour tags (:class:`ColorTags`)
go from the input to the output.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import av
import numpy as np
from av.video.reformatter import Colorspace

from ..errors import OptionError
from ..registry import Registry


@dataclass(frozen=True)
class Codec:
    """An encoder, its default pixel format and those it accepts here, extra encoder options, and
    the containers (by extension) that hold it."""

    encoder: str
    pix_fmt: str
    pix_fmts: tuple[str, ...]
    options: tuple[tuple[str, str], ...] = ()
    exts: tuple[str, ...] = (".mp4", ".mov", ".mkv")
    rate_control: bool = True  # takes --crf and --preset
    full_range: bool = True  # can be written in full range (ProRes is limited range only)


CODECS: Registry[Codec] = Registry("codec")
CODECS.register("h264", Codec("libx264", "yuv420p", ("yuv420p", "yuv420p10le", "yuv444p", "yuv444p10le")))
CODECS.register("h265", Codec("libx265", "yuv420p", ("yuv420p", "yuv420p10le", "yuv444p", "yuv444p10le")))
CODECS.register(
    "prores", Codec("prores_ks", "yuv422p10le", ("yuv422p10le",), (("profile", "3"),), (".mov", ".mkv"), False, False)
)
CODECS.register(
    "prores4444",
    Codec("prores_ks", "yuva444p10le", ("yuva444p10le", "yuv444p10le"), (("profile", "4444"),), (".mov", ".mkv"), False, False),
)
DEFAULT_CODEC = "h264"


@dataclass(frozen=True)
class Encoding:
    """What to encode with: a :data:`CODECS` name and a pixel format (None: the codec's default)."""

    codec: str = DEFAULT_CODEC
    pix_fmt: str | None = None

    @property
    def spec(self) -> Codec:
        return CODECS[self.codec]

    @property
    def format(self) -> str:
        return self.pix_fmt or self.spec.pix_fmt

    @property
    def deep(self) -> bool:
        """Whether frames go to the encoder as 16-bit RGB(A) rather than 8-bit RGB."""
        return av.VideoFormat(self.format).components[0].bits > 8 or self.alpha

    @property
    def alpha(self) -> bool:
        return any(c.is_alpha for c in av.VideoFormat(self.format).components)

    @property
    def default(self) -> bool:
        return self == Encoding()


_MATRICES = {1: Colorspace.ITU709, 4: Colorspace.FCC, 5: Colorspace.ITU601, 6: Colorspace.SMPTE170M, 7: Colorspace.SMPTE240M, 9: Colorspace.BT2020}
"""The YUV matrices (AVColorSpace numbers) swscale converts with: BT.709, FCC, BT.470BG, SMPTE 170M
(BT.601), SMPTE 240M and BT.2020 non-constant luminance."""
_UNSET = (0, 2, 3)  # reserved, unspecified, reserved: in AVColorPrimaries and AVColorTransferCharacteristic


@dataclass(frozen=True)
class ColorTags:
    """How a video's YUV relates to RGB and to light, in FFmpeg's AVCOL_* numbers: the ``space``
    (matrix) and ``range`` the pixels are converted with, and the ``primaries`` and ``trc`` (transfer)
    that label the RGB. The pipeline works on the RGB as decoded, without converting gamut or curve,
    so an output takes its input's tags and converts back with the same matrix and range: a BT.2020
    or full-range source comes back as it went in. The default is BT.709, limited range: what
    untagged sources and sequences get."""

    primaries: int = 1
    trc: int = 1
    space: int = 1
    range: int = 1

    @classmethod
    def of(cls, tagged: av.VideoFrame | av.video.codeccontext.VideoCodecContext) -> ColorTags:
        """The tags of a decoded frame (or a stream's codec context); unset or unsupported ones BT.709."""
        return cls(
            primaries=tagged.color_primaries if tagged.color_primaries not in _UNSET else 1,
            trc=tagged.color_trc if tagged.color_trc not in _UNSET else 1,
            space=tagged.colorspace if tagged.colorspace in _MATRICES else 1,
            range=tagged.color_range if tagged.color_range in (1, 2) else 1,
        )

    @property
    def matrix(self) -> Colorspace:
        """``space`` as swscale's matrix, for :meth:`av.VideoFrame.reformat`."""
        return _MATRICES[self.space]

    def for_codec(self, codec: Codec) -> ColorTags:
        """These tags as ``codec`` can write them: limited range where it has no full range."""
        return self if codec.full_range else replace(self, range=1)

    def tag(self, context: av.video.codeccontext.VideoCodecContext) -> None:
        """Label an encoder's output with these tags."""
        context.colorspace, context.color_primaries = self.space, self.primaries
        context.color_trc, context.color_range = self.trc, self.range


def check_encoding(encoding: Encoding, ext: str) -> None:
    """Refuse a codec or pixel format the container or the codec cannot take, before any work."""
    if encoding.codec not in CODECS:
        raise OptionError(f"--codec must be one of {', '.join(CODECS)}, not {encoding.codec!r}")
    if encoding.default:
        return
    spec = encoding.spec
    if ext not in spec.exts:
        raise OptionError(f"--codec {encoding.codec} is written to {' '.join(spec.exts)} files, not {ext}")
    if encoding.format not in spec.pix_fmts:
        raise OptionError(f"--pix-fmt for {encoding.codec} must be one of {', '.join(spec.pix_fmts)}, not {encoding.format!r}")


def rgb_picture(rgb: np.ndarray, alpha: np.ndarray | None, encoding: Encoding) -> av.VideoFrame:
    """A frame for the encoder: 8-bit RGB, or 16-bit RGB(A) for deep formats (alpha opaque if absent)."""
    if not encoding.deep:
        return av.VideoFrame.from_ndarray(_scaled(rgb, np.uint8), format="rgb24")
    planes = [_scaled(rgb, np.uint16)]
    if encoding.alpha:
        planes.append(_scaled(alpha, np.uint16)[..., None] if alpha is not None else np.full((*rgb.shape[:2], 1), 65535, np.uint16))
    return av.VideoFrame.from_ndarray(np.ascontiguousarray(np.concatenate(planes, axis=2)), format="rgba64le" if encoding.alpha else "rgb48le")


def _scaled(values: np.ndarray, dtype: type) -> np.ndarray:
    """Pixels of any type (uint8, uint16, float in [0, 1]) as ``dtype``, full range."""
    if values.dtype == dtype:
        return values
    top = float(np.iinfo(dtype).max)
    if np.issubdtype(values.dtype, np.integer):
        floats = values.astype(np.float32) / np.float32(np.iinfo(values.dtype).max)
    else:
        floats = values.astype(np.float32)
    return np.round(np.clip(floats, 0.0, 1.0) * np.float32(top)).astype(dtype)
