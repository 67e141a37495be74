"""The settings of every `videostyle visualize` command, in a module that loads no torch.

Each field is declared once with its option spec (videostyle.spec): the command line, its checks
and the manual's tables are made from these classes, so ``visualize maximize --help`` needs no
network code. The algorithm modules (maximize, invert, texture) import their classes from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import shared_options as shared
from ..errors import OptionError
from ..names import DEFAULT_BACKBONE, OPTIMIZER_NAMES, PICTURE_PARAM_NAMES, SALIENCY_METHODS, TV_OPERATOR_NAMES
from ..spec import Spec, check, option, split_text

STEP_RULES = tuple(n for n in OPTIMIZER_NAMES if n not in ("lbfgs", "normalized"))
"""Maximization's step rules: L-BFGS needs a fixed objective (jitter changes it every step)."""
RECONSTRUCTION_RULES = tuple(n for n in OPTIMIZER_NAMES if n != "normalized")
"""Inversion's and texture synthesis's step rules."""
STEPS = Spec("Optimization steps.", lo=1, hi=100_000)
LR = Spec("Learning rate.", lo=1e-6)
PICTURE_SIZE = Spec("Long side of the picture in pixels.", lo=16, hi=8192)
TV_OPERATOR = Spec("Image-gradient operator of the TV prior.", choices=TV_OPERATOR_NAMES)
P_NORM = Spec("Exponent α of the p-norm prior.", lo=1)
P_NORM_WEIGHT = Spec("p-norm prior weight.", lo=0)
TV_BETA = Spec("TV exponent β.", lo=0.1)


@dataclass(frozen=True)
class NetworkOptions:
    """Which pretrained network every visualization looks into (the device is DeviceOptions')."""

    backbone: str = option(DEFAULT_BACKBONE, spec=shared.BACKBONE)
    weights: Path | None = option(None, spec=shared.WEIGHTS)
    offline: bool = option(False, spec=shared.OFFLINE)

    def __post_init__(self) -> None:
        check(self)


@dataclass(frozen=True)
class MaximizeOptions:
    """Everything but the target. Defaults give recognizable class pictures on EfficientNet-Lite0."""

    steps: int = option(256, "Optimization steps (per scale).", lo=1, hi=100_000)
    size: int = option(224, spec=PICTURE_SIZE)
    scales: int = option(1, "Multiscale: grow from --start-size to --size in this many scales.", lo=1, hi=8)
    start_size: int | None = option(None, "Multiscale: first long side (default: the tile).", lo=16)
    tile: int = option(224, "Network input size; larger pictures use overlapping tiles.", lo=16)
    pixel_rates: bool = option(True, "Scale each pixel's step by 1 / tiles covering it.")
    param: str = option("fourier", "Fourier: decorrelated spectrum; pixels: plain.", choices=PICTURE_PARAM_NAMES)
    optimizer: str = option("adam", "Step rule.", choices=STEP_RULES)
    lr: float = option(0.05, spec=LR)
    rmsprop_decay: float = option(0.95, "RMSProp running-average decay.", lo=0, hi=0.9999)
    lr_decay_every: int = option(0, "Multiply the rate by --lr-decay-factor every N steps (0: off).", lo=0)
    lr_decay_factor: float = option(0.5, "Factor of each --lr-decay-every step.", lo=1e-6, hi=1.0)
    l2: float = option(0.0, "L2 prior weight (Simonyan).", lo=0)
    p_norm_weight: float = option(0.0, spec=P_NORM_WEIGHT)
    p_norm: float = option(6.0, spec=P_NORM)
    p_norm_scale: float = option(0.5, "p-norm prior scale.", lo=1e-6)
    p_norm_aux_weight: float = option(0.0, "Auxiliary p-norm weight.", lo=0)
    p_norm_aux: float = option(6.0, "Exponent α of the auxiliary p-norm.", lo=1)
    p_norm_aux_scale: float = option(0.5, "Auxiliary p-norm scale.", lo=1e-6)
    tv_weight: float = option(20.0, "Total-variation prior weight.", lo=0)  # cnn-vis has TV on by default too
    tv_beta: float = option(2.0, spec=TV_BETA)
    tv_operator: str = option("naive", spec=TV_OPERATOR)
    tv_step: float = option(0.0, "Raise the TV weight by this much every --tv-step-every steps.", lo=0)
    tv_step_every: int = option(50, "Period of --tv-step in steps.", lo=1)
    jitter: int = option(24, "Random shift in pixels before each step.", lo=0)
    jitter_scale: float = option(0.2, "Random scaling by 1 ± this.", lo=0, hi=0.5)
    jitter_rotate: float = option(15.0, "Random rotation by ± degrees.", lo=0, hi=180)
    blur: float = option(0.0, "Gaussian blur sigma applied every --blur-every steps (pixels only).", lo=0)
    blur_every: int = option(4, "Period of --blur in steps.", lo=1)
    langevin_noise: float = option(0.0, "Gaussian noise std added after each step (Langevin sampling).", lo=0)
    seed: int | None = option(None, spec=shared.SEED)

    def __post_init__(self) -> None:
        check(self)
        if self.blur and self.param != "pixels":
            raise OptionError("blur acts on pixels: use it with --param pixels (the Fourier basis is already smooth)")

    def sizes(self, aspect: float = 1.0) -> list[tuple[int, int]]:
        """(h, w) per scale: geometric from the start size to ``size``; ``aspect`` is h / w."""
        from ..resize import fit_size  # torch's module: only a running maximization asks

        start = self.start_size or min(self.size, self.tile)
        longs = [round(start * (self.size / start) ** (k / max(1, self.scales - 1))) for k in range(self.scales)]
        h, w = (1000, round(1000 / aspect)) if aspect >= 1 else (round(1000 * aspect), 1000)
        return [fit_size(h, w, max(16, side)) for side in longs]


@dataclass(frozen=True)
class SampleOptions:
    """How many pictures maximization makes per target, and whether they go into one sheet."""

    samples: int = option(1, "Pictures per target (use with --langevin-noise).", lo=1, hi=64)
    grid: bool = option(False, "Put all pictures in one labeled contact sheet.")

    def __post_init__(self) -> None:
        check(self)


@dataclass(frozen=True)
class InvertOptions:
    """Feature inversion's optimization and priors; None picks a value from the layer's stride."""

    steps: int = option(200, spec=STEPS)
    optimizer: str = option("adam", "Step rule.", choices=RECONSTRUCTION_RULES)
    lr: float = option(0.05, spec=LR)
    p_norm: float = option(6.0, spec=P_NORM)
    p_norm_weight: float = option(1.0, spec=P_NORM_WEIGHT)
    tv_beta: float = option(2.0, spec=TV_BETA)
    tv_weight: float | None = option(None, "TV prior weight (default: 3 x the layer's stride; deep layers need more).", lo=0)
    tv_operator: str = option("naive", spec=TV_OPERATOR)
    jitter: int | None = option(None, "Random shift in pixels per step (default: the layer's stride / 8).", lo=0)
    seed: int | None = option(None, spec=shared.SEED)

    def __post_init__(self) -> None:
        check(self)


@dataclass(frozen=True)
class InversionInput:
    """Which layers an inversion reconstructs from, and the size the photo is read at."""

    layer: str | None = option(None, "Layer whose features are inverted.")
    layers: tuple[str, ...] = option((), "Several layers, comma-separated: shown side by side.", text=split_text(str), metavar="A,B")
    size: int = option(224, spec=PICTURE_SIZE)

    def __post_init__(self) -> None:
        check(self)

    def names(self) -> tuple[str, ...]:
        """The layers to invert: one of --layer and --layers must be given."""
        if bool(self.layer) == bool(self.layers):
            raise OptionError("give --layer LAYER or --layers A,B,C (see: videostyle visualize layers)")
        return self.layers or (self.layer,)  # type: ignore[return-value]


@dataclass(frozen=True)
class TextureOptions:
    """Texture synthesis's optimization."""

    steps: int = option(300, spec=STEPS)
    optimizer: str = option("adam", "Step rule.", choices=RECONSTRUCTION_RULES)
    lr: float = option(0.05, spec=LR)
    tv_weight: float = option(500.0, "Total-variation smoothness weight.", lo=0)  # EfficientNet's stride-2 stem leaves a pixel grid without it
    seed: int | None = option(None, spec=shared.SEED)

    def __post_init__(self) -> None:
        check(self)


@dataclass(frozen=True)
class TextureShape:
    """The texture's size and shape, the size the style is read at, and its Gram layers (None: the backbone's)."""

    size: int = option(256, "Long side of the texture in pixels.", lo=16, hi=8192)
    aspect: float = option(1.0, "Width / height (2 = twice as wide as high).", lo=1 / 16, hi=16)
    width: int | None = option(None, "Old: width in pixels.", lo=16, hi=8192, hidden=True)
    height: int | None = option(None, "Old: height in pixels.", lo=16, hi=8192, hidden=True)
    style_size: int = option(256, "Long side the style image is read at.", lo=16, hi=8192)
    layers: tuple[str, ...] = option((), "Comma-separated Gram layers (default: the backbone's style layers).",
                                     text=split_text(str), metavar="A,B")

    def __post_init__(self) -> None:
        check(self)


@dataclass(frozen=True)
class SaliencyOptions:
    """What a saliency figure explains (``class_name``; None: the prediction) and with which backward rules."""

    class_name: str | None = option(None, "Class to explain, by name or index (default: the prediction).", flag="--class")
    methods: tuple[str, ...] = option((), "gradient, guided or deconvnet; repeat for several (default: all three).",
                                      choices=SALIENCY_METHODS, repeat=True, flag="--method")
    size: int = option(224, spec=PICTURE_SIZE)

    def __post_init__(self) -> None:
        check(self)


@dataclass(frozen=True)
class TopActivationsOptions:
    """How many patches a unit's figure shows, the backward rule of their projections, and the image size."""

    count: int = option(9, "How many patches.", lo=1, hi=100)
    method: str = option("deconvnet", "Backward rule of the projections.", choices=SALIENCY_METHODS)
    size: int = option(224, spec=PICTURE_SIZE)

    def __post_init__(self) -> None:
        check(self)


@dataclass(frozen=True)
class LayerTableOptions:
    """The input size a layer table gives the shapes for."""

    size: int = option(224, "Input size the shapes are given for.", lo=16, hi=4096)

    def __post_init__(self) -> None:
        check(self)
