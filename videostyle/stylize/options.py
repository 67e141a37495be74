"""Settings of optimization-based style transfer, validated once at the boundary."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Literal

from ..backbones import DEFAULT_BACKBONE, backbone_spec
from ..color import PALETTES
from ..errors import OptionError
from ..optim import OPTIMIZERS
from ..precision import check_precision
from .style_targets import STYLE_LOSSES

InitName = Literal["warped", "content", "noise", "previous"]
INITS = ("warped", "content", "noise", "previous")
"""warped: a video frame starts from the previous result warped by optical flow (the first frame, and
images, from the content); previous: from the previous result as is; content, noise: every frame afresh."""


PARAMETERIZATIONS = ("pyramid", "pixels")
"""pyramid: Laplacian-pyramid offsets (no colored speckle); pixels: the plain pixels (Gatys)."""


STRUCTURE_HOLD = 1300.0
"""Structure weight per unit of extra temporal hold (see ``StyleOptions.temporal_factor``)."""


@dataclass(frozen=True)
class StyleOptions:
    """Everything that decides how one image (or frame) is stylized by optimization."""

    backbone: str = DEFAULT_BACKBONE
    weights: Path | None = None
    download: bool = True
    content_layers: tuple[str, ...] | None = None
    style_layers: tuple[str, ...] | None = None
    content_weight: float = 1.0
    style_weight: float = 1.0e3
    tv_weight: float = 300.0
    chroma_tv_weight: float = 3000.0
    structure_weight: float = 3000.0
    steps: int = 200
    optimizer: str = "adam"
    lr: float | None = None
    init: str = "warped"
    style_scale: float = 1.0
    style_blend: tuple[float, ...] | None = None
    preserve_color: bool = False
    scales: int = 1
    seed: int | None = None
    style_loss: str = "gram"
    style_strength: float | None = None
    color_init: bool = True
    palette: str = "tones"
    parameterization: str = "pyramid"
    tile: int = 1024
    precision: str = "auto"  # the backbone's forward: auto = bf16 on a CUDA GPU that has it, else fp32
    compile: bool = False  # torch.compile the backbone

    def __post_init__(self) -> None:
        backbone_spec(self.backbone)
        check_precision(self.precision, gradients=True)
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, float) and not math.isfinite(value):
                raise OptionError(f"{f.name.replace('_', '-')} must be a finite number, not {value}")
        for name in ("content_weight", "style_weight", "tv_weight", "chroma_tv_weight", "structure_weight"):
            value = getattr(self, name)
            if not 0 <= value <= 1e9:
                raise OptionError(f"--{name.replace('_', '-')} {value} is out of range 0..1e9")
        if self.content_weight == 0 and self.style_weight == 0:
            raise OptionError("content and style weights are both 0: nothing to optimize")
        if not 1 <= self.steps <= 100_000:
            raise OptionError(f"--steps {self.steps} is out of range 1..100000")
        if self.optimizer not in OPTIMIZERS:
            raise OptionError(f"unknown optimizer {self.optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
        if self.lr is not None and not 0 < self.lr <= 100:
            raise OptionError(f"learning rate {self.lr} is out of range (0, 100]")
        if self.init not in INITS:
            raise OptionError(f"unknown init {self.init!r}; choose one of {', '.join(INITS)}")
        if not 0.05 <= self.style_scale <= 8:
            raise OptionError(f"--style-scale {self.style_scale} is out of range 0.05..8")
        if self.style_loss not in STYLE_LOSSES:
            raise OptionError(f"unknown style loss {self.style_loss!r}; choose one of {', '.join(STYLE_LOSSES)}")
        if self.style_strength is not None and not 0 <= self.style_strength <= 1.5:
            raise OptionError(f"--style-strength {self.style_strength} is out of range 0..1.5")
        if self.palette not in PALETTES:
            raise OptionError(f"unknown palette {self.palette!r}; choose one of {', '.join(PALETTES)}")
        if self.parameterization not in PARAMETERIZATIONS:
            raise OptionError(
                f"unknown parameterization {self.parameterization!r}; choose one of {', '.join(PARAMETERIZATIONS)}"
            )
        if not 256 <= self.tile <= 16384:
            raise OptionError(f"--tile {self.tile} is out of range 256..16384")
        if not 1 <= self.scales <= 6:
            raise OptionError(f"--scales {self.scales} is out of range 1..6")
        if self.style_blend is not None and (
            any(w < 0 or not math.isfinite(w) for w in self.style_blend) or sum(self.style_blend) <= 0
        ):
            raise OptionError("--style-weights must be non-negative numbers with a positive sum")

    # structure_weight: the luminance-structure term (objectives.structure) that keeps a faint subject where
    # the content has it. It stays with the content's side of the dial (``style_strength`` leaves it alone).
    # 3000 measured on the hand-held clips of bench/bench_subject.py (192 px, 40 iterations, The Shipwreck):
    # the white horse's edge correlation 0.59 -> 0.80 (builtin:arbitrary --stabilize: 0.65), texture
    # distance +10 %; 10000 held more (0.84) but painted less (+17 %).

    @property
    def loss_weights(self) -> tuple[float, float, float]:
        """(style, TV, chroma TV weights): ``style_strength``, where given, sets all three on a log scale.

        Strength 1 is the default look (the default weights); every 0.25 less divides them by 10 (0.5:
        1/100; 0: 1/10000, the content's weight dominates, a tint), up to 1.5 (x100) for more. The range
        is wide because Adam, starting from the content, moves pixels at its own pace whatever the
        weights: only a style weight well under the content's lets the content hold the picture. The TV
        terms move with the style term, since they clean up what it paints, so only the content's say
        changes (see ``dial``).
        """
        factor = self.dial
        return self.style_weight * factor, self.tv_weight * factor, self.chroma_tv_weight * factor

    @property
    def dial(self) -> float:
        """The factor ``style_strength`` puts on the painting's side of the loss: 1, or 10 per 0.25 off 1.

        Videos scale their temporal weight by it too: the temporal term holds still what the style term
        paints, and if it kept its weight under a faint style it would outweigh it, every warm frame
        would fall short of the first frame's style level and run its catch-up iterations to the limit,
        so a lower strength took longer (issue 25: 0.25 ran 3x the time of 1; now it does not).
        The content and structure terms, the content's side, keep theirs.
        """
        return 1.0 if self.style_strength is None else 10 ** (4 * (self.style_strength - 1))

    @property
    def temporal_factor(self) -> float:
        """What a video's temporal weight is multiplied by: the ``dial``, and a firmer hold under the structure term.

        The structure term pulls every frame towards its own content's light-dark pattern, and the
        arrangements of strokes that satisfy it and the style term are many: held at the usual weight,
        each warm frame settled into another one and the texture swam (issue 25, the synthetic pan of
        bench/bench_flicker.py at 128 px: E_warp 4.3x the input's with the term at 3000 against 3.0x
        before it). Held ``1 + structure_weight / STRUCTURE_HOLD`` times as firmly (3.3x at 3000) it is
        2.6x. Weighting the term by the flow's unreliability, taking its target from the warped previous
        result, or applying it to first frames only all stayed at 3.8-3.9x.
        """
        return self.dial * (1 + self.structure_weight / STRUCTURE_HOLD)

    @property
    def palette_share(self) -> float:
        """How far the color-transferred start goes towards the style's palette: all the way by default,
        and with ``style_strength`` below 1 proportionally less, so a faint style keeps the content's colors."""
        return 1.0 if self.style_strength is None else min(1.0, self.style_strength)

    @property
    def learning_rate(self) -> float:
        """Adam works in pixel units (0.02 of the [0,1] range a step); L-BFGS takes whole steps."""
        if self.lr is not None:
            return self.lr
        return 1.0 if self.optimizer == "lbfgs" else 0.02

    def layers(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(content layers, style layers), the backbone's defaults where not given."""
        spec = backbone_spec(self.backbone)
        return self.content_layers or spec.content_layers, self.style_layers or spec.style_layers
