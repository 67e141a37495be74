"""Pretrained CNNs with named layers, in a registry."""

from .backbone import Backbone, Normalize
from .classes import IMAGENET_CLASSES, resolve_class
from .registry import (
    BACKBONES,
    DEFAULT_BACKBONE,
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
    "resolve_class",
]
