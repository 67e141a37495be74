"""What to maximize, as text: a class, a whole layer, a channel or a single neuron.

    goldfish | class:goldfish | class:1   the logit of an ImageNet class (by name or index)
    block10                               the whole layer: mean |a| + a² (cnn-vis's amplify_layer)
    block10:7   block10:0-15              one channel (or a range of them, one picture each)
    block10:7:3:4                         one neuron: channel 7 at feature-map row 3, column 4
"""

from __future__ import annotations

from dataclasses import dataclass

from ..backbones import Backbone, resolve_class
from ..errors import OptionError
from ..objectives import Channel, ClassLogit, LayerAmplify, Neuron, Objective


@dataclass(frozen=True)
class Target:
    """An activation objective (to maximize) and a short label for pictures and file names."""

    objective: Objective
    label: str


def _int(text: str, spec: str) -> int:
    if not text.strip().isdigit():
        raise OptionError(f"target {spec!r}: {text!r} is not a non-negative integer (use LAYER:C, LAYER:C-D or LAYER:C:Y:X)")
    return int(text)


def parse_target(spec: str, backbone: Backbone) -> list[Target]:
    """One text target -> one or more Targets (a channel range gives one per channel)."""
    text = spec.strip()
    head, _, rest = text.partition(":")
    if head == "class":
        index = resolve_class(rest, backbone.class_names)
        return [Target(ClassLogit(index), _class_label(backbone, index))]
    if head not in backbone.layer_names:
        if rest:
            backbone.check_layers([head])  # raises with the list of valid layer names
        index = resolve_class(text, backbone.class_names)
        return [Target(ClassLogit(index), _class_label(backbone, index))]
    if head == "logits" and not rest:
        raise OptionError("target 'logits': give a class instead, like goldfish or class:1")
    shape = backbone.layer_shapes(64)[head]
    if not rest:
        return [Target(LayerAmplify(head), head)]
    if len(shape) != 3:
        raise OptionError(f"target {spec!r}: {head} has no channels; give a class name for logits")
    parts = rest.split(":")
    if len(parts) == 1:
        first, dash, last = parts[0].partition("-")
        channels = range(_int(first, spec), _int(last, spec) + 1) if dash else [_int(first, spec)]
        _check_channel(spec, head, max(channels, default=0), shape[0])
        if not channels:
            raise OptionError(f"target {spec!r}: the channel range is empty")
        return [Target(Channel(head, c), f"{head}:{c}") for c in channels]
    if len(parts) == 3:
        c, y, x = (_int(p, spec) for p in parts)
        _check_channel(spec, head, c, shape[0])
        return [Target(Neuron(head, c, y, x), f"{head}:{c}:{y}:{x}")]
    raise OptionError(f"target {spec!r}: use LAYER, LAYER:C, LAYER:C-D or LAYER:C:Y:X")


def parse_targets(specs: list[str], backbone: Backbone) -> list[Target]:
    targets = [target for spec in specs for target in parse_target(spec, backbone)]
    if not targets:
        raise OptionError("give at least one target: a class name, a layer, LAYER:C or LAYER:C:Y:X")
    return targets


def _check_channel(spec: str, layer: str, channel: int, count: int) -> None:
    if channel >= count:
        raise OptionError(f"target {spec!r}: {layer} has channels 0..{count - 1}")


def _class_label(backbone: Backbone, index: int) -> str:
    return backbone.class_names[index] if backbone.class_names else f"class {index}"
