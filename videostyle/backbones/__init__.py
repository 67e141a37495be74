"""Pretrained CNNs with named layers, in a registry."""

from ..lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    ".backbone": ("Backbone", "Normalize"),
    ".classes": ("IMAGENET_CLASSES", "resolve_class"),
    ".registry": ("BACKBONES", "DEFAULT_BACKBONE", "BackboneSpec", "backbone_spec", "load_backbone"),
})
