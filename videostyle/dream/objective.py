"""Turn what the user asked to amplify (layers, channels, a class, a guide image) into one objective.

The specs stay plain strings and numbers up to here so the CLI and Python callers share one parser
with one set of error messages. The objective returned is to be *minimized* by the loop: it is the
negated sum of the activation objectives of videostyle.objectives.activation.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from ..backbones import Backbone
from ..errors import OptionError
from ..objectives import Channel, ClassLogit, FeatureDot, LayerEnergy, Objective, Sum
from .options import ChannelSpec, LayerSpec

def _check_channels(backbone: Backbone, channels: Sequence[ChannelSpec]) -> None:
    shapes = backbone.layer_shapes(64)
    for layer, index in channels:
        if len(shapes[layer]) != 3:
            raise OptionError(f"--channel {layer}:{index}: {layer} is not a convolutional layer")
        if index >= shapes[layer][0]:
            raise OptionError(f"--channel {layer}:{index}: {layer} has channels 0..{shapes[layer][0] - 1}")


def dream_objective(
    backbone: Backbone,
    layers: Sequence[LayerSpec] = (),
    channels: Sequence[ChannelSpec] = (),
    class_index: int | None = None,
    guide: torch.Tensor | None = None,
) -> Objective:
    """-(Σ weighted layer energies, or guide matches on those layers, + channels + class logit).

    ``guide`` (1,3,H,W in [0,1]) turns each layer term into FeatureDot with the guide's features.
    At least one target is needed; callers fill in the backbone's default dream layers.
    """
    if not layers and not channels and class_index is None:
        raise OptionError("nothing to amplify: give --layer, --channel or --class")
    if guide is not None and not layers:
        raise OptionError("--guide matches the guide's features on the dream layers; give --layer too")
    backbone.check_layers([name for name, _ in layers] + [name for name, _ in channels])
    _check_channels(backbone, channels)
    terms: list[Objective] = []
    if guide is not None:
        with torch.no_grad():
            feats = backbone(guide, [name for name, _ in layers])
        terms += [FeatureDot(name, feats[name]) * weight for name, weight in layers]
    else:
        terms += [LayerEnergy(name) * weight for name, weight in layers]
    terms += [Channel(name, index) for name, index in channels]
    if class_index is not None:
        terms.append(ClassLogit(class_index))
    return -Sum(terms)
