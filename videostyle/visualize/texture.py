"""Texture synthesis (Gatys et al. 2015): an image of any size with a style image's Gram statistics.

Gram matrices average over positions, so they describe "what appears, in which combinations" and
nothing about where: optimizing noise to match them alone gives a texture of the style, at any size.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence

import torch

from ..backbones import Backbone
from ..objectives import StyleLoss, TotalVariation, gram
from ..optim import PixelImage, Step, decay, make_generator, make_optimizer, optimize
from .options import TextureOptions

__all__ = ["TextureOptions", "synthesize_texture"]


def synthesize_texture(
    backbone: Backbone,
    style: torch.Tensor,
    size: tuple[int, int],
    layers: Sequence[str],
    options: TextureOptions = TextureOptions(),
) -> Generator[Step, None, torch.Tensor]:
    """A (1, 3, *size) texture with the Gram statistics of ``style`` at ``layers``, grown from noise."""
    layers = backbone.check_layers(layers, feature_maps=True)
    net = backbone.truncated(layers)
    with torch.no_grad():
        feats = net(style, layers)
    objective = StyleLoss({layer: gram(feats[layer]) for layer in layers}) * 1e3
    if options.tv_weight:
        objective = objective + TotalVariation() * options.tv_weight
    generator = make_generator(options.seed)
    noise = torch.rand(1, 3, *size, generator=generator)
    param = PixelImage(noise.to(style.device))
    optimizer = make_optimizer(options.optimizer, param.parameters(), options.lr)
    yield from optimize(param, objective, net, options.steps, optimizer, scheduler=decay(optimizer, options.steps))
    return param().detach()
