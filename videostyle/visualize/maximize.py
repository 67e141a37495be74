"""Activation maximization: the image a class, channel, neuron or layer of the network likes most.

Simonyan et al. (2014) ascend a class logit from a blank image; left alone this makes adversarial
noise, so natural-image priors are added as objective terms (L2, α-norm, total variation), as
between-step hooks (blur, Langevin noise) and as transformation robustness (jitter). cnn-vis adds
multiscale generation with overlapping tiles for images larger than the network's input, and Olah et
al. a decorrelated Fourier parameterization. All of it runs through the one optimization loop.
"""

from __future__ import annotations

from collections.abc import Callable, Generator

import torch

from ..backbones import Backbone
from ..objectives import L2, Objective, PNorm, Scaled, Sum, TotalVariation
from ..optim import (
    FourierImage, ImageParam, Jitter, PixelImage, ResultCarry, Step, TileBatch, coarse_to_fine, compose,
    make_generator, make_optimizer, optimize, step_decay,
)
from ..registry import Registry
from ..resize import resize
from .hooks import LangevinNoise, PeriodicBlur, StepWeight, chain
from .options import MaximizeOptions

__all__ = ["PICTURE_PARAMS", "MaximizeOptions", "maximize", "prior"]


def prior(options: MaximizeOptions) -> tuple[Objective | None, Scaled | None]:
    """The regularizer terms (to minimize), and the TV term when its weight is on a schedule."""
    terms: list[Objective] = []
    if options.l2:
        terms.append(L2() * options.l2)
    if options.p_norm_weight:
        terms.append(PNorm(options.p_norm, options.p_norm_scale) * options.p_norm_weight)
    if options.p_norm_aux_weight:
        terms.append(PNorm(options.p_norm_aux, options.p_norm_aux_scale, name="pnorm_aux") * options.p_norm_aux_weight)
    tv = None
    if options.tv_weight or options.tv_step:
        tv = Scaled(TotalVariation(options.tv_beta, options.tv_operator), options.tv_weight)
        terms.append(tv)
    return (Sum(terms) if terms else None), (tv if options.tv_step else None)


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
        prior_terms, scheduled_tv = prior(options)
        objective = -target if prior_terms is None else -target + prior_terms
        optimizer = make_optimizer(options.optimizer, param.parameters(), options.lr, options.rmsprop_decay)
        scheduler = step_decay(optimizer, options.lr_decay_every, options.lr_decay_factor) if options.lr_decay_every else None
        transform = compose([
            Jitter(options.jitter, options.jitter_scale, options.jitter_rotate, generator),
            TileBatch(options.tile, options.pixel_rates) if max(size) > options.tile else None,
        ])
        after_step = chain([
            PeriodicBlur(options.blur, options.blur_every) if options.blur else None,
            LangevinNoise(options.langevin_noise, generator) if options.langevin_noise else None,
            StepWeight(scheduled_tv, options.tv_step, options.tv_step_every) if scheduled_tv is not None else None,
        ])
        yield from optimize(param, objective.to(device), net, options.steps, optimizer, transform, after_step, scheduler)
        return param().detach()

    image = yield from coarse_to_fine(sizes, options.steps, ResultCarry(init), at_scale)
    return image.clamp(0, 1)
