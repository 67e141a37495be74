"""Composable objectives: losses to minimize (style transfer) or activations to maximize (dreams)."""

from .activation import Channel, ClassLogit, FeatureDot, LayerAmplify, LayerEnergy, Neuron
from .base import Features, Objective, Scaled, Sum
from .content import ContentLoss, relative_mse
from .style import StyleLoss, blended_grams, gram
from .temporal import TemporalLoss
from .regularizers import L2, PNorm, p_norm
from .tv import TV_OPERATORS, TotalVariation, TVOperator, image_gradients, total_variation

__all__ = [
    "Channel",
    "ClassLogit",
    "FeatureDot",
    "LayerAmplify",
    "LayerEnergy",
    "Neuron",
    "ContentLoss",
    "L2",
    "PNorm",
    "TV_OPERATORS",
    "TVOperator",
    "Features",
    "Objective",
    "Scaled",
    "StyleLoss",
    "Sum",
    "TemporalLoss",
    "TotalVariation",
    "blended_grams",
    "gram",
    "image_gradients",
    "p_norm",
    "relative_mse",
    "total_variation",
]
