"""Settings of feed-forward training, validated once at the boundary."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from .. import shared_options as shared
from ..errors import OptionError
from ..names import DEFAULT_BACKBONE
from ..spec import check, option, split_text

STORED_AS = {"width_mult": "width"}
"""Fields a model file records under another name (the name it had before flags and fields were one)."""


@dataclass(frozen=True)
class TrainOptions:
    """How a style network is trained; ``identity`` lists what a resumed run must not change."""

    steps: int = option(4000, "Training steps (batches).", lo=1, hi=10_000_000)
    size: int = option(256, "Side of the square training crops in pixels.", lo=32, hi=2048)
    batch_size: int = option(4, "Crops per step.", lo=1, hi=256)
    content_weight: float = option(1.0, "Weight of the content loss.", lo=0, hi=1e9)
    style_weight: float = option(3.0, "Weight of the style loss.", lo=0, hi=1e9)
    tv_weight: float = option(10.0, "Total-variation smoothness weight.", lo=0, hi=1e9, engines=("network",))
    temporal_weight: float = option(
        0.0, "Stability across frames: trains on frame pairs (video) or shifted copies.", lo=0, hi=1e9
    )
    lr: float = option(1e-3, "Adam learning rate.", lo=0, hi=1, lo_open=True)
    width_mult: float = option(
        1.0, "Channel multiplier of the network (0.5 = 4x fewer FLOPs).", lo=0.125, hi=4, engines=("network",)
    )
    style_scale: float = option(1.0, "Style image size relative to the crop size.", lo=0.05, hi=8)
    backbone: str = option(DEFAULT_BACKBONE, spec=shared.BACKBONE)
    weights: Path | None = option(None, spec=shared.WEIGHTS)
    offline: bool = option(False, spec=shared.OFFLINE)
    content_layers: tuple[str, ...] | None = option(None, "Comma-separated layer names.", text=split_text(str), metavar="A,B")
    style_layers: tuple[str, ...] | None = option(None, "Comma-separated layer names.", text=split_text(str), metavar="A,B")
    checkpoint_every: int = option(200, "Save a checkpoint (MODEL.ckpt) every N steps.", lo=1, hi=10_000_000)
    preview_every: int = option(0, "Write a preview image into MODEL.previews/ every N steps (0: never).", lo=0, hi=10_000_000)
    seed: int = option(0, "Random seed.")
    precision: str = option("auto", spec=shared.PRECISION)  # the network's and the loss network's forward
    compile: bool = option(False, spec=shared.COMPILE)  # torch.compile both networks
    keep_checkpoint: bool = option(
        False, "Keep MODEL.ckpt after a finished training, to train further with --resume (a stopped one always keeps it).",
        flag="--keep-checkpoint",
    )

    def __post_init__(self) -> None:
        from ..precision import check_precision

        check(self)
        check_precision(self.precision, gradients=True)
        if self.content_weight == 0 and self.style_weight == 0:
            raise OptionError("content and style weights are both 0: nothing to learn")

    def layers(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(content layers, style layers), the backbone's defaults where not given."""
        from ..backbones import backbone_spec

        spec = backbone_spec(self.backbone)
        return self.content_layers or spec.content_layers, self.style_layers or spec.style_layers

    def settings(self) -> dict[str, object]:
        """JSON-friendly settings, stored in model files and checkpoints, under the names model files have
        always used (``width``, ``download``); ``keep_checkpoint`` is not a training setting."""
        out: dict[str, object] = {}
        for f in dataclasses.fields(self):
            if f.name == "offline":
                out["download"] = not self.offline
            elif f.name != "keep_checkpoint":
                out[STORED_AS.get(f.name, f.name)] = getattr(self, f.name)
        out["weights"] = None if self.weights is None else str(self.weights)
        out["content_layers"], out["style_layers"] = (list(layers) for layers in self.layers())
        return out

    def identity(self) -> dict[str, object]:
        """The settings a resumed training must share with the checkpoint (the rest may change)."""
        settings = self.settings()
        return {key: settings[key] for key in ("width", "backbone", "content_layers", "style_layers")}
