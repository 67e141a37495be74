"""The style term by name: each kind of style loss builds its targets from the style images' features.

Gram (Gatys), mean + covariance, Gram of softmax-smoothed features (Wang et al. 2021) and sliced
Wasserstein (Heitz et al. 2021) all read the same layers; only the statistics they keep differ, so
the Stylizer asks this module for "the style term of these styles" and stays loss-agnostic. Gram and
mean + covariance keep averages over positions: their targets (and a blend of styles) are pooled
statistics, computed tile by tile for styles larger than a tile; the other two see each style whole.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from ..backbones import Backbone
from ..errors import OptionError
from ..objectives import Objective, StyleLoss, blended_grams, gram
from ..objectives.moments import MomentStyleLoss
from ..objectives.sliced import SlicedStyleLoss, mixed_samples
from ..objectives.smoothed import SmoothedStyleLoss, softmax_smooth
from .tiled import pooled_statistics

POOLED_LOSSES: dict[str, type[StyleLoss] | type[MomentStyleLoss]] = {"gram": StyleLoss, "meancov": MomentStyleLoss}
STYLE_LOSSES: tuple[str, ...] = (*POOLED_LOSSES, "smoothed", "sliced")


def style_statistics(
    kind: str, backbone: Backbone, styles: Sequence[torch.Tensor], layers: Sequence[str], tile: int
) -> list[dict[str, torch.Tensor]]:
    """What the style loss ``kind`` keeps of each style image (each (1,3,H,W) at its working size):
    pooled statistics, softmax-smoothed Grams, or the features themselves (sliced)."""
    if kind in POOLED_LOSSES:
        return [pooled_statistics(backbone, s, layers, POOLED_LOSSES[kind].statistics, tile) for s in styles]
    if kind not in STYLE_LOSSES:
        raise OptionError(f"unknown style loss {kind!r}; choose one of {', '.join(STYLE_LOSSES)}")
    check_untiled(kind, max(max(s.shape[-2:]) for s in styles), tile)
    per_style = [backbone(s, layers) for s in styles]
    if kind == "smoothed":
        return [{k: gram(softmax_smooth(v)) for k, v in f.items()} for f in per_style]
    return per_style


def blended_objective(kind: str, per_style: Sequence[dict[str, torch.Tensor]], blend: Sequence[float], seed: int = 0) -> Objective:
    """The style loss ``kind`` towards the ``blend`` of ``style_statistics``: cheap, so a video can blend per frame."""
    if kind in POOLED_LOSSES:
        return POOLED_LOSSES[kind](blended_grams(per_style, blend))
    if kind == "smoothed":
        return SmoothedStyleLoss(blended_grams(per_style, blend))
    generator = torch.Generator(device="cpu")
    generator.manual_seed(seed)
    return SlicedStyleLoss(mixed_samples(per_style, blend, generator), seed=seed)


def check_untiled(kind: str, side: int, tile: int) -> None:
    """Only position-averaged statistics pool over tiles; the other losses need the image whole."""
    if side > tile and kind not in POOLED_LOSSES:
        raise OptionError(
            f"--style-loss {kind} needs the whole image at once, and {side} px is over --tile {tile}: "
            f"use --style-loss {' or '.join(POOLED_LOSSES)}, or a larger --tile"
        )
