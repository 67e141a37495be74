"""VGG-16/19 (Simonyan & Zisserman 2014), the classic style-transfer backbones, with Gatys' layer names."""

from __future__ import annotations

from torch import nn
from torchvision import models
from torchvision.models import vgg


def vgg_layer_names(config: str) -> list[str]:
    """Layer names of torchvision's VGG config ("D" = VGG-16, "E" = VGG-19), without building the net.

    conv{block}_{i} and relu{block}_{i} for each convolution, pool{block} after each block, then the
    classifier stages.
    """
    names, block, idx = [], 1, 1
    for item in vgg.cfgs[config]:
        if item == "M":
            names.append(f"pool{block}")
            block, idx = block + 1, 1
        else:
            names += [f"conv{block}_{idx}", f"relu{block}_{idx}"]
            idx += 1
    return names + ["fc6", "fc7", "logits"]


def vgg_stages(net: models.VGG, config: str) -> list[tuple[str, nn.Module]]:
    """Named stages of a torchvision VGG, in-place ReLUs replaced so captured features stay intact."""
    stages = [
        (name, nn.ReLU() if isinstance(module, nn.ReLU) else module)
        for name, module in zip(vgg_layer_names(config), net.features)
    ]
    fc6, _, _, fc7, _, _, fc8 = net.classifier
    stages.append(("fc6", nn.Sequential(net.avgpool, nn.Flatten(1), fc6, nn.ReLU())))
    stages.append(("fc7", nn.Sequential(fc7, nn.ReLU())))
    stages.append(("logits", fc8))
    return stages
