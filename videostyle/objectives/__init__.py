"""Composable objectives: losses to minimize (style transfer) or activations to maximize (dreams)."""

from .activation import Channel, ClassLogit, FeatureDot, LayerAmplify, LayerEnergy, Neuron
from .base import Features, Objective, Scaled, Sum
from .content import ContentLoss, relative_mse
from .style import StyleLoss, blended_grams, gram
from .tv import TotalVariation, total_variation

__all__ = [
    "Channel",
    "ClassLogit",
    "FeatureDot",
    "LayerAmplify",
    "LayerEnergy",
    "Neuron",
    "ContentLoss",
    "Features",
    "Objective",
    "Scaled",
    "StyleLoss",
    "Sum",
    "TotalVariation",
    "blended_grams",
    "gram",
    "relative_mse",
    "total_variation",
]
