"""Settings of one dream (what to amplify, and how hard), validated once at the boundary."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from .. import shared_options as shared
from ..errors import OptionError
from ..names import DEFAULT_BACKBONE, DEFAULT_FLOW_PRESET
from ..spec import Media, check, option
from ..video.options import FPS

if TYPE_CHECKING:
    from ..flow import FlowOptions
    from .animate import Motion


LayerSpec = tuple[str, float]
ChannelSpec = tuple[str, int]
SCHEDULE_HELP = "A number, a START:END ramp over the animation, or FRAME:VALUE,FRAME:VALUE keyframes."


def parse_layer(text: str) -> LayerSpec:
    """'block7' -> ('block7', 1.0); 'block7:0.5' -> ('block7', 0.5)."""
    name, _, weight = text.strip().partition(":")
    if not name:
        raise OptionError(f"--layer needs a layer name like block7 or block7:0.5, not {text!r}")
    if not weight:
        return name, 1.0
    try:
        value = float(weight)
    except ValueError:
        raise OptionError(f"--layer {text!r}: the weight after ':' must be a number, like block7:0.5") from None
    if not 0 < value <= 1e6:
        raise OptionError(f"--layer {text!r}: the weight must be positive")
    return name, value


def parse_channel(text: str) -> ChannelSpec:
    """'block7:12' -> ('block7', 12)."""
    name, sep, index = text.strip().partition(":")
    if not name or not sep or not index.strip().isdigit():
        raise OptionError(f"--channel needs LAYER:INDEX like block7:12, not {text!r}")
    return name, int(index)


@dataclass(frozen=True)
class DreamOptions:
    """What to amplify (``layers``, ``channels``, ``class_name``; the backbone's dream layers when none
    is given) and the gradient ascent: ``octaves`` sizes ``octave_scale`` apart, ``steps`` per octave of
    ``step_size`` mean pixel change, ``jitter`` pixels of random shift, tiles of at most ``tile`` pixels."""

    backbone: str = option(DEFAULT_BACKBONE, spec=shared.BACKBONE)
    weights: Path | None = option(None, spec=shared.WEIGHTS)
    offline: bool = option(False, spec=shared.OFFLINE)
    layers: tuple[LayerSpec, ...] = option(
        (), "Layer to amplify, optionally weighted: block7 or block7:0.5; repeat for several.", text=parse_layer,
        repeat=True, flag="--layer",
    )
    channels: tuple[ChannelSpec, ...] = option(
        (), "One channel to amplify, LAYER:INDEX like block10:42; repeatable.", text=parse_channel, repeat=True,
        flag="--channel",
    )
    class_name: str | None = option(None, "ImageNet class to amplify, by name (tabby) or index (281).", flag="--class")
    octaves: int = option(4, "Octaves (scales) dreamed, smallest first.", lo=1, hi=12)
    octave_scale: float = option(1.4, "Size ratio between octaves.", lo=1.05, hi=4)
    steps: int = option(10, "Gradient-ascent steps per octave.", lo=1, hi=10_000)
    step_size: float = option(
        0.01, "Mean pixel change per step (pixels are 0..1).", lo=0, hi=1, lo_open=True
    )
    jitter: int = option(32, "Random shift in pixels before each step.", lo=0, hi=512)
    tile: int = option(1024, "Tile side in pixels: larger images are dreamed tile by tile.", lo=64, hi=8192)
    seed: int | None = option(None, spec=shared.SEED)
    precision: str = option("auto", spec=shared.PRECISION)
    compile: bool = option(False, spec=shared.COMPILE)

    def __post_init__(self) -> None:
        from ..precision import check_precision

        check(self)
        check_precision(self.precision, gradients=True)

    def targets(self) -> tuple[tuple[LayerSpec, ...], tuple[ChannelSpec, ...], str | None]:
        """(layers, channels, class), with the backbone's dream layers when nothing is asked for."""
        if self.layers or self.channels or self.class_name is not None:
            return self.layers, self.channels, self.class_name
        from ..backbones import backbone_spec

        return tuple((layer, 1.0) for layer in backbone_spec(self.backbone).dream_layers), (), None


@dataclass(frozen=True)
class ZoomOptions:
    """A zoom loop made from a still: how many ``frames``, the camera's motion per frame (each a schedule,
    see timeline.schedule), the frame rate, and whether it ``loop``s back to its first frame."""

    MEDIA: ClassVar[Media] = "still-to-video"

    frames: int | None = option(None, "Zoom loop: frames to make from a still.", lo=1, hi=100_000)
    zoom: str | None = option(None, f"Zoom loop: zoom per frame (>1 moves in; default 1.05). {SCHEDULE_HELP}")
    rotate: str | None = option(None, f"Zoom loop: degrees counter-clockwise per frame. {SCHEDULE_HELP}")
    translate: str | None = option(
        None, "Zoom loop: pixels dx,dy the picture moves per frame; ramps 0,0:4,2, keyframes 0:0,0;50:4,2."
    )
    fps: Fraction | None = option(None, spec=FPS)
    loop: bool = option(False, "Zoom loop: end seamlessly on the first frame (prints the loop-closure change).", flag="--loop")

    def __post_init__(self) -> None:
        check(self)

    def arguments(self) -> dict[str, Any]:
        """The keyword arguments of ``iter_dream_file`` these settings give."""
        return {"motion": self.motion(), "frames": self.frames, "fps": self.fps, "loop": self.loop}

    def motion(self) -> Motion | None:
        """The camera path, or None for the default zoom."""
        from .animate import Motion
        from ..timeline import parse_schedule

        if self.zoom is None and self.rotate is None and self.translate is None:
            return None
        default = Motion()
        motion = Motion(
            zoom=parse_schedule(self.zoom, 1, "--zoom") if self.zoom is not None else default.zoom,
            rotate=parse_schedule(self.rotate, 1, "--rotate") if self.rotate is not None else default.rotate,
            translate=parse_schedule(self.translate, 2, "--translate") if self.translate is not None else default.translate,
        )
        if any(z <= 0 for (z,) in (point for _, point in motion.zoom.points)):
            raise OptionError(f"--zoom {self.zoom} must stay above 0 (1 = no zoom, 1.05 = 5% closer per frame)")
        return motion


@dataclass(frozen=True)
class DreamVideoOptions:
    """A dreamed video: each dream carried to the next frame along the optical flow (``temporal``), where
    a carried frame runs ``carried_steps`` per octave."""

    MEDIA: ClassVar[Media] = "video-in"

    temporal: bool = option(True, "Video: carry each dream along the optical flow; --no-temporal: every frame afresh.")
    flow: str = option("dis", spec=shared.FLOW)
    flow_preset: str = option(DEFAULT_FLOW_PRESET, spec=shared.FLOW_PRESET)
    flow_weights: Path | None = option(None, spec=shared.FLOW_WEIGHTS)
    carried_steps: int | None = option(
        None, "Video: steps per octave of a flow-carried frame (default steps/10, at least 1).", lo=1, hi=10_000
    )

    def __post_init__(self) -> None:
        check(self)

    def arguments(self) -> dict[str, Any]:
        """The keyword arguments of ``iter_dream_file`` these settings give."""
        return {"flow": self.flow_options(), "carried_steps": self.carried_steps}

    def flow_options(self) -> FlowOptions | None:
        """What the frames are carried along, or None when every frame is dreamed afresh."""
        from ..flow import FlowOptions

        return FlowOptions(self.flow, self.flow_preset, self.flow_weights) if self.temporal else None
