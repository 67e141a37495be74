"""Settings of one dream (what to amplify, and how hard), validated once at the boundary."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from ..backbones import DEFAULT_BACKBONE, backbone_spec
from ..errors import OptionError
from ..precision import check_precision
from .objective import ChannelSpec, LayerSpec


@dataclass(frozen=True)
class DreamOptions:
    """What to amplify (``layers``, ``channels``, ``class_name``; the backbone's dream layers when none
    is given) and the gradient ascent: ``octaves`` sizes ``octave_scale`` apart, ``steps`` per octave of
    ``step_size`` mean pixel change, ``jitter`` pixels of random shift, tiles of at most ``tile`` pixels."""

    backbone: str = DEFAULT_BACKBONE
    weights: Path | None = None
    download: bool = True
    layers: tuple[LayerSpec, ...] = ()
    channels: tuple[ChannelSpec, ...] = ()
    class_name: str | None = None
    octaves: int = 4
    octave_scale: float = 1.4
    steps: int = 10
    step_size: float = 0.01
    jitter: int = 32
    tile: int = 1024
    seed: int | None = None
    precision: str = "auto"  # the backbone's forward: auto = bf16 on a CUDA GPU that has it, else fp32
    compile: bool = False  # torch.compile the backbone

    def __post_init__(self) -> None:
        backbone_spec(self.backbone)
        check_precision(self.precision, gradients=True)
        if not 1 <= self.octaves <= 12:
            raise OptionError(f"--octaves {self.octaves} is out of range 1..12")
        if not (math.isfinite(self.octave_scale) and 1.05 <= self.octave_scale <= 4):
            raise OptionError(f"--octave-scale {self.octave_scale} is out of range 1.05..4")
        if not 1 <= self.steps <= 10_000:
            raise OptionError(f"--steps {self.steps} is out of range 1..10000")
        if not (math.isfinite(self.step_size) and 0 < self.step_size <= 1):
            raise OptionError(f"--step-size {self.step_size} is out of range (0, 1] (pixel values are 0..1)")
        if not 0 <= self.jitter <= 512:
            raise OptionError(f"--jitter {self.jitter} is out of range 0..512 pixels")
        if not 64 <= self.tile <= 8192:
            raise OptionError(f"--tile {self.tile} is out of range 64..8192 pixels")

    def targets(self) -> tuple[tuple[LayerSpec, ...], tuple[ChannelSpec, ...], str | None]:
        """(layers, channels, class), with the backbone's dream layers when nothing is asked for."""
        if self.layers or self.channels or self.class_name is not None:
            return self.layers, self.channels, self.class_name
        return tuple((layer, 1.0) for layer in backbone_spec(self.backbone).dream_layers), (), None
