"""Pretrained CNNs with named layers, in a registry."""

from .backbone import Backbone, Normalize
from .registry import (
    BACKBONES,
    DEFAULT_BACKBONE,
    IMAGENET_CLASSES,
    BackboneSpec,
    backbone_spec,
    load_backbone,
)

__all__ = [
    "BACKBONES",
    "DEFAULT_BACKBONE",
    "IMAGENET_CLASSES",
    "Backbone",
    "BackboneSpec",
    "Normalize",
    "backbone_spec",
    "load_backbone",
]
