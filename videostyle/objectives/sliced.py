"""Sliced Wasserstein style loss (Heitz et al. CVPR 2021): match whole feature distributions.

A Gram matrix holds second moments only; a painting's look also lives in the shape of its feature
distributions (which strokes are rare, which colors saturate). Projecting the features of a layer on
random directions and comparing the sorted projections with the style's compares the full 1-D
marginals, and over many random directions the whole distribution. New directions every call keep
the optimizer from fitting a fixed few.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
import torch.nn.functional as F

from ..device import generator_on
from .base import Features, Objective


def flat_positions(features: torch.Tensor) -> torch.Tensor:
    """(1, C, H, W) -> (C, H*W): one sample of the layer's distribution per position."""
    return features[0].reshape(features.shape[1], -1)


def mixed_samples(
    per_style: Sequence[Mapping[str, torch.Tensor]], weights: Sequence[float], generator: torch.Generator
) -> dict[str, torch.Tensor]:
    """Samples (C, N) of the mixture of several styles: from each, a share of positions by weight."""
    total = float(sum(weights))
    out: dict[str, torch.Tensor] = {}
    for layer in per_style[0]:
        samples = [flat_positions(feats[layer]) for feats in per_style]
        if len(samples) == 1:
            out[layer] = samples[0]
            continue
        n = max(s.shape[1] for s in samples)
        picks = []
        for w, s in zip(weights, samples):
            count = round(w / total * n)
            index = torch.randint(s.shape[1], (count,), generator=generator).to(s.device)
            picks.append(s[:, index])
        out[layer] = torch.cat(picks, dim=1)
    return out


def sorted_quantiles(values: torch.Tensor, count: int) -> torch.Tensor:
    """Sort each row of (K, N) and resample it to ``count`` quantiles, so any two sizes compare."""
    ordered = values.sort(dim=1).values
    if ordered.shape[1] == count:
        return ordered
    return F.interpolate(ordered.unsqueeze(0), size=count, mode="linear", align_corners=True)[0]


def sliced_wasserstein(x: torch.Tensor, target: torch.Tensor, directions: torch.Tensor) -> torch.Tensor:
    """Mean squared distance between sorted projections of x (C, N) and target (C, M) on (C, K) directions,
    relative to the target projections' mean square (scale-free, like the Gram loss)."""
    px = sorted_quantiles(directions.t() @ x, x.shape[1])
    pt = sorted_quantiles(directions.t() @ target, x.shape[1])
    return (px - pt).pow(2).mean() / pt.pow(2).mean().clamp_min(1e-8)


class SlicedStyleLoss(Objective):
    """Mean over layers of the relative sliced Wasserstein distance to stored style samples."""

    name = "style"

    def __init__(self, samples: Mapping[str, torch.Tensor], seed: int = 0) -> None:
        super().__init__()
        self.layers = tuple(samples)
        for i, layer in enumerate(self.layers):
            self.register_buffer(f"samples{i}", samples[layer].detach())
        self.generator = torch.Generator(device="cpu")
        self.generator.manual_seed(seed)

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        total = torch.zeros((), device=feats[self.layers[0]].device)
        for i, layer in enumerate(self.layers):
            target = getattr(self, f"samples{i}")
            c = target.shape[0]
            self.generator = generator_on(target.device, self.generator)  # directions drawn where they are used
            directions = F.normalize(torch.randn(c, c, generator=self.generator, device=target.device), dim=0).to(target)
            total = total + sliced_wasserstein(flat_positions(feats[layer]), target, directions)
        return total / len(self.layers)
