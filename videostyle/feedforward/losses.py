"""The perceptual loss a style network is trained on, built from the project's objectives.

Content, style (Gram) and total-variation terms are the same objectives the optimization engine
minimizes; here they score a batch of network outputs, each image against the Gram targets of the
style it was asked for, so one network learns several styles at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from ..backbones import Backbone
from ..flow import warp
from ..objectives import ContentLoss, Objective, StyleLoss, Sum, TotalVariation, gram
from ..objectives.temporal import TemporalLoss
from ..resize import resize_long_side
from .options import TrainOptions


class PerceptualLoss:
    """Weighted content + style + TV parts for (content batch, output batch, style index per image)."""

    def __init__(
        self, backbone: Backbone, styles: Sequence[torch.Tensor], options: TrainOptions, dtype: torch.dtype = torch.float32
    ) -> None:
        """``dtype``: what the backbone computes in (its features, the Gram targets and the losses stay fp32)."""
        self.content_layers, self.style_layers = options.layers()
        layers = self.content_layers + self.style_layers
        self.backbone = backbone.truncated(layers, feature_maps=True).configure(dtype, options.compile)
        self.options = options
        self.grams = self._style_grams(styles)

    @torch.no_grad()
    def _style_grams(self, styles: Sequence[torch.Tensor]) -> dict[str, torch.Tensor]:
        """Per layer, the (S, C, C) Gram targets of all styles at the training scale."""
        device = self.backbone.normalize.mean.device
        long_side = round(self.options.size * self.options.style_scale)
        per_style = [
            self.backbone(resize_long_side(style.to(device), long_side), self.style_layers) for style in styles
        ]
        return {layer: torch.cat([gram(feats[layer]) for feats in per_style]) for layer in self.style_layers}

    def objective(self, content: torch.Tensor, style_index: torch.Tensor) -> Objective:
        opts = self.options
        with torch.no_grad():
            feats = self.backbone(content, self.content_layers)
        n = len(self.content_layers)
        content_loss = Sum([ContentLoss(layer, feats[layer]) * (1 / n) for layer in self.content_layers])
        style_loss = StyleLoss({layer: grams[style_index] for layer, grams in self.grams.items()})
        return content_loss * opts.content_weight + style_loss * opts.style_weight + TotalVariation() * opts.tv_weight

    def __call__(self, content: torch.Tensor, output: torch.Tensor, style_index: torch.Tensor) -> dict[str, torch.Tensor]:
        objective = self.objective(content, style_index)
        return objective.breakdown(output, self.backbone(output, objective.layers))


def temporal_loss(first: torch.Tensor, following: torch.Tensor, flow: torch.Tensor, reliable: torch.Tensor) -> torch.Tensor:
    """Ruder et al.'s temporal loss between the outputs for two frames, as the video engine uses it.

    ``following`` should equal ``first`` carried along the content's flow (following(x) ≈ first(x + flow(x)))
    wherever the flow is ``reliable``; averaged over the batch, so the weight does not depend on its size.
    """
    return TemporalLoss(warp(first, flow), reliable)(following, {}) / first.shape[0]
