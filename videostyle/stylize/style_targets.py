"""The style term by name: each kind of style loss builds its targets from the style images' features.

Gram (Gatys), mean + covariance, Gram of softmax-smoothed features (Wang et al. 2021) and sliced
Wasserstein (Heitz et al. 2021) all read the same layers; only the statistics they keep differ, so
the Stylizer asks this module for "the style term of these features" and stays loss-agnostic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch

from ..errors import OptionError
from ..objectives import Objective, StyleLoss, blended_grams, gram
from ..objectives.moments import MomentStyleLoss, blended_moments
from ..objectives.sliced import SlicedStyleLoss, mixed_samples
from ..objectives.smoothed import SmoothedStyleLoss, softmax_smooth

STYLE_LOSSES: tuple[str, ...] = ("gram", "meancov", "smoothed", "sliced")


def style_objective(
    kind: str,
    per_style: Sequence[Mapping[str, torch.Tensor]],
    blend: Sequence[float],
    seed: int = 0,
) -> Objective:
    """The style loss ``kind`` with targets from each style's features (layer -> (1,C,H,W)), blended."""
    if kind == "gram":
        return StyleLoss(blended_grams([{k: gram(v) for k, v in f.items()} for f in per_style], blend))
    if kind == "meancov":
        return MomentStyleLoss(blended_moments(per_style, blend))
    if kind == "smoothed":
        return SmoothedStyleLoss(blended_grams([{k: gram(softmax_smooth(v)) for k, v in f.items()} for f in per_style], blend))
    if kind == "sliced":
        generator = torch.Generator(device="cpu")
        generator.manual_seed(seed)
        return SlicedStyleLoss(mixed_samples(per_style, blend, generator), seed=seed)
    raise OptionError(f"unknown style loss {kind!r}; choose one of {', '.join(STYLE_LOSSES)}")
