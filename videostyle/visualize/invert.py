"""Feature inversion (Mahendran & Vedaldi 2015): what a layer's code still knows about an image.

Starting from noise, find an image whose features at one layer match the photo's, under an α-norm
prior that keeps pixels in range and a total-variation prior (exponent β) that keeps them smooth.
Shallow layers give the photo back almost exactly; deep ones keep the parts and lose their layout.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence

import torch

from ..backbones import Backbone
from ..objectives import ContentLoss, PNorm, TotalVariation
from ..optim import Jitter, PixelImage, Step, decay, make_generator, make_optimizer, optimize, renumber
from ..progress import relay
from .options import InvertOptions

__all__ = ["TV_PER_STRIDE", "InvertOptions", "invert", "invert_layers"]

TV_PER_STRIDE = 3.0
"""Deeper layers keep less detail, so their inversions need a stronger smoothness prior: a weight
proportional to the layer's stride (6 for EfficientNet's stem, 96 for its last blocks) served all
depths in our tests, where one fixed weight either blurred shallow layers or left deep ones noisy.
Jitter likewise: shifts of stride / 8 pixels stop deep inversions from aliasing, while any shift of a
shallow layer's sharp target only blurs the result."""


def invert(
    backbone: Backbone, image: torch.Tensor, layer: str, options: InvertOptions = InvertOptions()
) -> Generator[Step, None, torch.Tensor]:
    """Reconstruct ``image`` (1,3,H,W in [0,1] on the backbone's device) from its ``layer`` features."""
    net = backbone.truncated([layer])
    with torch.no_grad():
        target = net(image, [layer])[layer]
    objective = ContentLoss(layer, target)
    if options.p_norm_weight:
        objective = objective + PNorm(options.p_norm, 0.5) * options.p_norm_weight
    stride = min(image.shape[-1] / target.shape[-1] if target.dim() == 4 else image.shape[-1], 32)
    tv_weight = TV_PER_STRIDE * stride if options.tv_weight is None else options.tv_weight
    jitter = int(stride // 8) if options.jitter is None else options.jitter
    if tv_weight:
        objective = objective + TotalVariation(options.tv_beta, options.tv_operator) * tv_weight
    generator = make_generator(options.seed)
    noise = 0.5 + 0.1 * torch.randn(image.shape, generator=generator)
    param = PixelImage(noise.to(image.device))
    optimizer = make_optimizer(options.optimizer, param.parameters(), options.lr)
    transform = Jitter(jitter, generator=generator) if jitter else None
    yield from optimize(param, objective, net, options.steps, optimizer, transform, scheduler=decay(optimizer, options.steps))
    return param().detach()


def invert_layers(
    backbone: Backbone, image: torch.Tensor, layers: Sequence[str], options: InvertOptions = InvertOptions()
) -> Generator[Step, None, list[torch.Tensor]]:
    """One inversion per layer, shallow to deep as given; steps are numbered across all of them."""
    backbone.check_layers(layers)
    results = []
    total = options.steps * len(layers)
    for k, layer in enumerate(layers):
        run = invert(backbone, image, layer, options)
        results.append((yield from relay(run, renumber(k * options.steps, total))))
    return results
