"""Gram loss on softmax-smoothed features (Wang et al. CVPR 2021, "Rethinking and improving the
robustness of image style transfer").

Networks other than VGG have peaky activations with low entropy: a few huge values dominate the
Gram matrix, and matching it leaves the rest of the texture unconstrained. A softmax over all of a
layer's activations (with a temperature) flattens the peaks before the Gram matrix is taken. It is
scaled by the number of activations, so a layer's mean is 1 whatever the image size.

Measured on EfficientNet-Lite0 (issue 12) it does not help at temperature 1: that network's block
outputs are linear bottlenecks, signed and near-Gaussian (kurtosis about 3, not peaky), with values
up to ±50, so exp() makes a few positions dominate instead of fewer. It is kept as an option for
backbones with ReLU-style peaky features and for higher temperatures.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import torch

from .base import Features
from .style import StyleLoss


def softmax_smooth(features: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """exp(F/T) / mean(exp(F/T)) over each sample's activations (a size-free softmax)."""
    z = features / temperature
    n = z[0].numel()
    log_mean = torch.logsumexp(z.flatten(1), dim=1) - math.log(n)
    return torch.exp(z - log_mean.view(-1, 1, 1, 1))


class SmoothedStyleLoss(StyleLoss):
    """StyleLoss on softmax-smoothed features; its targets must be Gram matrices of smoothed features too.

    Not ``pooled``: the softmax normalizes by a mean over the whole image, which tiles cannot share.
    """

    pooled = False

    def __init__(self, targets: Mapping[str, torch.Tensor], temperature: float = 1.0) -> None:
        super().__init__(targets)
        self.temperature = temperature

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        smoothed = {layer: softmax_smooth(feats[layer], self.temperature) for layer in self.layers}
        return super().forward(image, smoothed)
