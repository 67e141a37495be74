"""Texture synthesis (Gatys et al. 2015): an image of any size with a style image's Gram statistics.

Gram matrices average over positions, so they describe "what appears, in which combinations" and
nothing about where: optimizing noise to match them alone gives a texture of the style, at any size.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass

import torch

from ..backbones import Backbone
from ..errors import OptionError
from ..objectives import StyleLoss, TotalVariation, gram
from ..optim import OPTIMIZERS, PixelImage, Step, decay, make_generator, make_optimizer, optimize


@dataclass(frozen=True)
class TextureOptions:
    steps: int = 300
    optimizer: str = "adam"
    lr: float = 0.05
    tv_weight: float = 500.0  # EfficientNet's stride-2 stem leaves a pixel grid without it
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.steps < 1 or self.lr <= 0 or self.tv_weight < 0:
            raise OptionError("texture synthesis needs steps >= 1, a positive learning rate and tv_weight >= 0")
        if self.optimizer not in OPTIMIZERS or self.optimizer == "normalized":
            raise OptionError(f"optimizer {self.optimizer!r} does not suit texture synthesis; use adam, lbfgs, sgd or rmsprop")


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
