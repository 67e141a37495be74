"""Seeing inside the network: activation maximization, feature inversion, texture synthesis,
saliency (gradient, guided backprop, deconvnet), top activations and the layer table.

The optimizing techniques all run through videostyle.optim.optimize; saliency and top activations
are gradients with the rectifiers' backward rule swapped by a context manager.
"""

from ..lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    ".grid": ("contact_sheet",),
    ".invert": ("invert", "invert_layers"),
    ".layers": ("LayerInfo", "layer_table"),
    ".maximize": ("maximize",),
    ".options": ("InvertOptions", "InversionInput", "LayerTableOptions", "MaximizeOptions", "NetworkOptions", "SaliencyOptions",
                 "SampleOptions", "TextureOptions", "TextureShape", "TopActivationsOptions"),
    ".saliency": ("METHODS", "attribute", "explain", "gradient_image", "heatmap", "overlay", "rectifier_override", "saliency_figure", "saliency_map"),
    ".targets": ("Target", "parse_targets"),
    ".texture": ("synthesize_texture",),
    ".top_activations": ("TopActivation", "top_activations", "top_activations_figure"),
})
