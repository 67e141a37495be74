"""Seeing inside the network: activation maximization, feature inversion, texture synthesis,
saliency (gradient, guided backprop, deconvnet), top activations and the layer table.

The optimizing techniques all run through videostyle.optim.optimize; saliency and top activations
are gradients with the rectifiers' backward rule swapped by a context manager.
"""

from .grid import contact_sheet
from .invert import InvertOptions, invert, invert_layers
from .layers import LayerInfo, layer_table
from .maximize import MaximizeOptions, maximize
from .saliency import (
    METHODS,
    attribute,
    explain,
    gradient_image,
    heatmap,
    overlay,
    rectifier_override,
    saliency_figure,
    saliency_map,
)
from .targets import Target, parse_targets
from .texture import TextureOptions, synthesize_texture
from .top_activations import TopActivation, top_activations, top_activations_figure

__all__ = [
    "METHODS",
    "InvertOptions",
    "LayerInfo",
    "MaximizeOptions",
    "Target",
    "TextureOptions",
    "TopActivation",
    "attribute",
    "contact_sheet",
    "explain",
    "gradient_image",
    "heatmap",
    "invert",
    "invert_layers",
    "layer_table",
    "maximize",
    "overlay",
    "parse_targets",
    "rectifier_override",
    "saliency_figure",
    "saliency_map",
    "synthesize_texture",
    "top_activations",
    "top_activations_figure",
]
