"""Settings of feed-forward training, validated once at the boundary."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path

from ..backbones import DEFAULT_BACKBONE, backbone_spec
from ..errors import OptionError
from ..precision import check_precision
from .network import NetworkConfig


@dataclass(frozen=True)
class TrainOptions:
    """How a style network is trained; ``identity`` lists what a resumed run must not change."""

    steps: int = 4000
    size: int = 256
    batch_size: int = 4
    content_weight: float = 1.0
    style_weight: float = 3.0
    tv_weight: float = 10.0
    temporal_weight: float = 0.0
    lr: float = 1e-3
    width: float = 1.0
    style_scale: float = 1.0
    backbone: str = DEFAULT_BACKBONE
    weights: Path | None = None
    download: bool = True
    content_layers: tuple[str, ...] | None = None
    style_layers: tuple[str, ...] | None = None
    checkpoint_every: int = 200
    preview_every: int = 200
    seed: int = 0
    precision: str = "auto"  # the network's and the loss network's forward: auto = bf16 on a CUDA GPU that has it
    compile: bool = False  # torch.compile both networks

    def __post_init__(self) -> None:
        backbone_spec(self.backbone)
        check_precision(self.precision, gradients=True)
        NetworkConfig(width=self.width)  # validates the width
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, float) and not math.isfinite(value):
                raise OptionError(f"--{f.name.replace('_', '-')} must be a finite number, not {value}")
        for name in ("content_weight", "style_weight", "tv_weight", "temporal_weight"):
            if not 0 <= getattr(self, name) <= 1e9:
                raise OptionError(f"--{name.replace('_', '-')} {getattr(self, name)} is out of range 0..1e9")
        if self.content_weight == 0 and self.style_weight == 0:
            raise OptionError("content and style weights are both 0: nothing to learn")
        _check_range("steps", self.steps, 1, 10_000_000)
        _check_range("size", self.size, 32, 2048)
        _check_range("batch-size", self.batch_size, 1, 256)
        _check_range("checkpoint-every", self.checkpoint_every, 1, 10_000_000)
        _check_range("preview-every", self.preview_every, 0, 10_000_000)
        if not 0 < self.lr <= 1:
            raise OptionError(f"--lr {self.lr} is out of range (0, 1]")
        if not 0.05 <= self.style_scale <= 8:
            raise OptionError(f"--style-scale {self.style_scale} is out of range 0.05..8")

    def layers(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(content layers, style layers), the backbone's defaults where not given."""
        spec = backbone_spec(self.backbone)
        return self.content_layers or spec.content_layers, self.style_layers or spec.style_layers

    def settings(self) -> dict[str, object]:
        """JSON-friendly settings, stored in model files and checkpoints."""
        out = dataclasses.asdict(self)
        out["weights"] = None if self.weights is None else str(self.weights)
        out["content_layers"], out["style_layers"] = (list(layers) for layers in self.layers())
        return out

    def identity(self) -> dict[str, object]:
        """The settings a resumed training must share with the checkpoint (the rest may change)."""
        settings = self.settings()
        return {key: settings[key] for key in ("width", "backbone", "content_layers", "style_layers")}


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise OptionError(f"--{name} {value!r} is out of range {low}..{high}")
