"""The style term by name: each kind of style loss builds its targets from the style images' features.

Gram (Gatys), mean + covariance, Gram of softmax-smoothed features (Wang et al. 2021) and sliced
Wasserstein (Heitz et al. 2021) all read the same layers; only the statistics they keep differ, so
the Stylizer asks this module for "the style term of these styles" and stays loss-agnostic. Gram and
mean + covariance keep averages over positions: their targets (and a blend of styles) are pooled
statistics, computed tile by tile for styles larger than a tile; the other two see each style whole.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from ..backbones import Backbone
from ..errors import OptionError
from ..objectives import Objective, StyleLoss, blended_grams, gram
from ..objectives.moments import MomentStyleLoss
from ..objectives.sliced import SlicedStyleLoss, mixed_samples
from ..objectives.smoothed import SmoothedStyleLoss, softmax_smooth
from ..registry import Registry
from .tiled import pooled_statistics

PerStyle = list[dict[str, torch.Tensor]]
"""What a style loss keeps of each style image, by layer."""


@dataclass(frozen=True)
class StyleLossKind:
    """One ``--style-loss``: what it keeps of each style image, and its objective towards a blend of those.

    ``statistics(backbone, styles, layers, tile)``; ``objective(per_style, blend, seed)``. ``pooled``
    statistics are position averages, so they can be gathered tile by tile for images over ``tile``.
    """

    statistics: Callable[[Backbone, Sequence[torch.Tensor], Sequence[str], int], PerStyle]
    objective: Callable[[Sequence[dict[str, torch.Tensor]], Sequence[float], int], Objective]
    pooled: bool = False


STYLE_LOSS_KINDS: Registry[StyleLossKind] = Registry("style loss")
POOLED_LOSSES: dict[str, type[StyleLoss] | type[MomentStyleLoss]] = {"gram": StyleLoss, "meancov": MomentStyleLoss}
"""The losses whose statistics are position averages: their targets pool over tiles."""


def _pooled(loss: type[StyleLoss] | type[MomentStyleLoss]) -> StyleLossKind:
    return StyleLossKind(
        statistics=lambda backbone, styles, layers, tile: [
            pooled_statistics(backbone, s, layers, loss.statistics, tile) for s in styles
        ],
        objective=lambda per_style, blend, seed: loss(blended_grams(per_style, blend)),
        pooled=True,
    )


def _whole(kind: str, smooth: bool) -> Callable[[Backbone, Sequence[torch.Tensor], Sequence[str], int], PerStyle]:
    """Each style's features seen whole (these losses keep more than position averages), or their smoothed Grams."""

    def statistics(backbone: Backbone, styles: Sequence[torch.Tensor], layers: Sequence[str], tile: int) -> PerStyle:
        check_untiled(kind, max(max(s.shape[-2:]) for s in styles), tile)
        per_style = [backbone(s, layers) for s in styles]
        return [{k: gram(softmax_smooth(v)) for k, v in f.items()} for f in per_style] if smooth else per_style

    return statistics


def _sliced(per_style: Sequence[dict[str, torch.Tensor]], blend: Sequence[float], seed: int) -> Objective:
    generator = torch.Generator(device="cpu")
    generator.manual_seed(seed)
    return SlicedStyleLoss(mixed_samples(per_style, blend, generator), seed=seed)


STYLE_LOSS_KINDS.register("gram", _pooled(StyleLoss))
STYLE_LOSS_KINDS.register("meancov", _pooled(MomentStyleLoss))
STYLE_LOSS_KINDS.register(
    "smoothed",
    StyleLossKind(_whole("smoothed", smooth=True), lambda per_style, blend, seed: SmoothedStyleLoss(blended_grams(per_style, blend))),
)
STYLE_LOSS_KINDS.register("sliced", StyleLossKind(_whole("sliced", smooth=False), _sliced))
STYLE_LOSSES: tuple[str, ...] = STYLE_LOSS_KINDS.names()


def style_statistics(
    kind: str, backbone: Backbone, styles: Sequence[torch.Tensor], layers: Sequence[str], tile: int
) -> PerStyle:
    """What the style loss ``kind`` keeps of each style image (each (1,3,H,W) at its working size)."""
    return STYLE_LOSS_KINDS[kind].statistics(backbone, styles, layers, tile)


def blended_objective(kind: str, per_style: Sequence[dict[str, torch.Tensor]], blend: Sequence[float], seed: int = 0) -> Objective:
    """The style loss ``kind`` towards the ``blend`` of ``style_statistics``."""
    return STYLE_LOSS_KINDS[kind].objective(per_style, blend, seed)


def check_untiled(kind: str, side: int, tile: int) -> None:
    """Only position-averaged statistics pool over tiles; the other losses need the image whole."""
    if side > tile and not STYLE_LOSS_KINDS[kind].pooled:
        raise OptionError(
            f"--style-loss {kind} needs the whole image at once, and {side} px is over --tile {tile}: "
            f"use --style-loss {' or '.join(POOLED_LOSSES)}, or a larger --tile"
        )
