"""Composable objectives: losses to minimize (style transfer) or activations to maximize (dreams)."""

from ..lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    ".activation": ("Channel", "ClassLogit", "FeatureDot", "LayerAmplify", "LayerEnergy", "Neuron"),
    ".base": ("Features", "Objective", "Scaled", "Sum"),
    ".content": ("ContentLoss", "relative_mse"),
    ".style": ("StyleLoss", "blended_grams", "gram"),
    ".temporal": ("TemporalLoss",),
    ".regularizers": ("L2", "PNorm", "p_norm"),
    ".tv": ("TV_OPERATORS", "TotalVariation", "TVOperator", "image_gradients", "total_variation"),
})
