"""Activation maximization: the image a class, channel, neuron or layer of the network likes most.

Simonyan et al. (2014) ascend a class logit from a blank image; left alone this makes adversarial
noise, so natural-image priors are added as objective terms (L2, α-norm, total variation), as
between-step hooks (blur, Langevin noise) and as transformation robustness (jitter). cnn-vis adds
multiscale generation with overlapping tiles for images larger than the network's input, and Olah et
al. a decorrelated Fourier parameterization. All of it runs through the one optimization loop.
"""

from __future__ import annotations

import math

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Literal

import torch

from ..backbones import Backbone
from ..errors import OptionError
from ..objectives import L2, TV_OPERATORS, Objective, PNorm, Scaled, Sum, TotalVariation
from ..optim import (
    OPTIMIZERS, FourierImage, ImageParam, Jitter, PixelImage, ResultCarry, Step, TileBatch, coarse_to_fine, compose,
    make_generator, make_optimizer, optimize, step_decay,
)
from ..registry import Registry
from ..resize import fit_size, resize
from .hooks import LangevinNoise, PeriodicBlur, StepWeight, chain

Parameterization = Literal["pixels", "fourier"]


@dataclass(frozen=True)
class MaximizeOptions:
    """Everything but the target. Defaults give recognizable class pictures on EfficientNet-Lite0."""

    steps: int = 256
    size: int = 224  # long side of the result
    scales: int = 1  # > 1: start at ``start_size`` and grow geometrically to ``size``
    start_size: int | None = None  # default: min(size, tile)
    tile: int = 224  # the network's input size; larger images are cut into overlapping tiles
    pixel_rates: bool = True  # divide steps by how many tiles cover a pixel
    param: Parameterization = "fourier"
    optimizer: str = "adam"
    lr: float = 0.05
    rmsprop_decay: float = 0.95
    lr_decay_every: int = 0  # 0: constant learning rate
    lr_decay_factor: float = 0.5
    l2: float = 0.0
    p_norm_weight: float = 0.0
    p_norm: float = 6.0
    p_norm_scale: float = 0.5
    p_norm_aux_weight: float = 0.0
    p_norm_aux: float = 6.0
    p_norm_aux_scale: float = 0.5
    tv_weight: float = 20.0  # cnn-vis has TV on by default too
    tv_beta: float = 2.0
    tv_operator: str = "naive"
    tv_step: float = 0.0  # added to tv_weight every tv_step_every steps
    tv_step_every: int = 50
    jitter: int = 24  # pixels
    jitter_scale: float = 0.2
    jitter_rotate: float = 15.0  # degrees
    blur_sigma: float = 0.0
    blur_every: int = 4
    langevin_noise: float = 0.0
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.steps < 1:
            raise OptionError(f"steps must be at least 1, got {self.steps}")
        if not 16 <= self.size <= 8192 or self.tile < 16:
            raise OptionError(f"size must be in 16..8192 and tile at least 16, got {self.size} and {self.tile}")
        if self.scales < 1:
            raise OptionError(f"scales must be at least 1, got {self.scales}")
        if self.param not in ("pixels", "fourier"):
            raise OptionError(f"unknown parameterization {self.param!r}; choose pixels or fourier")
        if self.optimizer not in OPTIMIZERS or self.optimizer == "lbfgs":
            raise OptionError(f"optimizer {self.optimizer!r} does not suit maximization; use adam, sgd or rmsprop")
        if self.tv_operator not in TV_OPERATORS:
            raise OptionError(f"unknown TV operator {self.tv_operator!r}; choose one of {', '.join(TV_OPERATORS)}")
        if self.blur_sigma and self.param != "pixels":
            raise OptionError("blur acts on pixels: use it with --param pixels (the Fourier basis is already smooth)")
        weights = (self.lr, self.l2, self.p_norm_weight, self.p_norm_aux_weight, self.tv_weight, self.langevin_noise, self.blur_sigma)
        if min(weights) < 0 or self.lr == 0 or not all(math.isfinite(w) for w in weights):
            raise OptionError("learning rate must be positive and finite, regularizer weights, blur and noise finite and not negative")
        if self.blur_every < 1 or self.tv_step_every < 1:
            raise OptionError("blur and TV schedules need a period of at least 1 step")

    def sizes(self, aspect: float = 1.0) -> list[tuple[int, int]]:
        """(h, w) per scale: geometric from the start size to ``size``; ``aspect`` is h / w."""
        start = self.start_size or min(self.size, self.tile)
        longs = [round(start * (self.size / start) ** (k / max(1, self.scales - 1))) for k in range(self.scales)]
        h, w = (1000, round(1000 / aspect)) if aspect >= 1 else (round(1000 * aspect), 1000)
        return [fit_size(h, w, max(16, side)) for side in longs]

    def prior(self) -> tuple[Objective | None, Scaled | None]:
        """The regularizer terms (to minimize), and the TV term when its weight is on a schedule."""
        terms: list[Objective] = []
        if self.l2:
            terms.append(L2() * self.l2)
        if self.p_norm_weight:
            terms.append(PNorm(self.p_norm, self.p_norm_scale) * self.p_norm_weight)
        if self.p_norm_aux_weight:
            terms.append(PNorm(self.p_norm_aux, self.p_norm_aux_scale, name="pnorm_aux") * self.p_norm_aux_weight)
        tv = None
        if self.tv_weight or self.tv_step:
            tv = Scaled(TotalVariation(self.tv_beta, self.tv_operator), self.tv_weight)
            terms.append(tv)
        return (Sum(terms) if terms else None), (tv if self.tv_step else None)


PictureFactory = Callable[[tuple[int, int], torch.Tensor | None, torch.Generator], ImageParam]
"""(size, start image or None for a random start, generator) -> what the optimizer moves."""

PICTURE_PARAMS: Registry[PictureFactory] = Registry("parameterization")


@PICTURE_PARAMS.register("pixels")
def _pixels(size: tuple[int, int], image: torch.Tensor | None, generator: torch.Generator) -> ImageParam:
    if image is None:  # a grey image with a little noise: the zero-mean start of Simonyan et al.
        image = 0.5 + 0.1 * torch.randn(1, 3, *size, generator=generator)
    return PixelImage(resize(image.cpu().clamp(0, 1), size))


@PICTURE_PARAMS.register("fourier")
def _fourier(size: tuple[int, int], image: torch.Tensor | None, generator: torch.Generator) -> ImageParam:
    return FourierImage(size, init=None if image is None else resize(image.cpu(), size), generator=generator)


def maximize(
    backbone: Backbone,
    target: Objective,
    options: MaximizeOptions = MaximizeOptions(),
    init: torch.Tensor | None = None,
) -> Generator[Step, None, torch.Tensor]:
    """Ascend ``target`` (an activation objective) from noise or from ``init``; yields steps, returns the image.

    The result is (1, 3, H, W) in [0,1] on the backbone's device, its long side ``options.size``
    (with ``init``, the init's aspect ratio).
    """
    device = backbone.normalize.mean.device
    net = backbone.truncated(target.layers)
    generator = make_generator(options.seed)
    sizes = options.sizes(1.0 if init is None else init.shape[-2] / init.shape[-1])

    def at_scale(image: torch.Tensor | None, k: int, size: tuple[int, int]) -> Generator[Step, None, torch.Tensor]:
        param = PICTURE_PARAMS[options.param](size, image, generator).to(device)
        prior, scheduled_tv = options.prior()
        objective = -target if prior is None else -target + prior
        optimizer = make_optimizer(options.optimizer, param.parameters(), options.lr, options.rmsprop_decay)
        scheduler = step_decay(optimizer, options.lr_decay_every, options.lr_decay_factor) if options.lr_decay_every else None
        transform = compose([
            Jitter(options.jitter, options.jitter_scale, options.jitter_rotate, generator),
            TileBatch(options.tile, options.pixel_rates) if max(size) > options.tile else None,
        ])
        after_step = chain([
            PeriodicBlur(options.blur_sigma, options.blur_every) if options.blur_sigma else None,
            LangevinNoise(options.langevin_noise, generator) if options.langevin_noise else None,
            StepWeight(scheduled_tv, options.tv_step, options.tv_step_every) if scheduled_tv is not None else None,
        ])
        yield from optimize(param, objective.to(device), net, options.steps, optimizer, transform, after_step, scheduler)
        return param().detach()

    image = yield from coarse_to_fine(sizes, options.steps, ResultCarry(init), at_scale)
    return image.clamp(0, 1)
