"""Models that take any style image, and the built-in ones: load them for ``--model`` and encode the ``-s`` images.

``builtin:arbitrary``, ``builtin:microast`` and AdaIN decoder files turn style images into one fixed
style input (a predicted vector, or feature statistics), blended by ``--style-weights``; ``builtin:N`` selects one
of the 26 fixed styles. All end as a FrameStylizer, so images, the video pipeline, batching and
``--stabilize`` work unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

import torch

from ..backbones import load_backbone
from ..errors import OptionError, UsageError
from ..media import read_image
from .adain import AdaINNetwork
from .adain_file import load_decoder
from .builtin import (
    ARBITRARY, MICROAST, load_arbitrary_network, load_microast, load_multistyle_network, parse_builtin,
)
from .builtin.magenta import STYLES_26
from .inference import FrameStylizer, InferenceOptions
from .network import style_weights
from ..timeline import Moment, StyleKeys
from ..timeline.steer import Steer

# the built-in networks that take any style: name -> loader(alpha), each with ``encode_style``
ANY_STYLE_LOADERS: dict[str, Callable[[float], torch.nn.Module]] = {ARBITRARY: load_arbitrary_network, MICROAST: load_microast}


def adain_stylizer(model: str | os.PathLike, options: InferenceOptions, device: torch.device) -> FrameStylizer:
    """An AdaIN decoder file with the encoder it names, styled by the ``-s`` images."""
    decoder, info = load_decoder(model, device)
    encoder = load_backbone(info.backbone, device)
    network = AdaINNetwork(encoder, info.layer, decoder, options.alpha)
    return FrameStylizer(network, blended_style(network.encode_style, options, device), device, options)


def builtin_stylizer(model: str | os.PathLike, options: InferenceOptions, device: torch.device) -> FrameStylizer:
    """``builtin:NAME``: an any-style network styled by the ``-s`` images, or one of the 26 fixed styles."""
    name = parse_builtin(model)
    if isinstance(name, str):
        network = ANY_STYLE_LOADERS[name](options.alpha).to(device)
        style = blended_style(network.encode_style, options, device)
        return FrameStylizer(network, style, device, options)
    if options.style_images:
        raise UsageError(
            f"-s/--style does not apply to {model} (a fixed style); use builtin:{ARBITRARY} or builtin:{MICROAST} for any style"
        )
    if options.alpha != 1.0:
        raise UsageError(f"--alpha does not apply to {model} (a fixed style); use builtin:{ARBITRARY} with -s to set the strength")
    index = name if options.style_index is None and options.style_mix is None else options.style_index
    style = style_weights(STYLES_26, index, options.style_mix)
    return FrameStylizer(load_multistyle_network(), style, device, options)


def blended_style(
    encode: Callable[[torch.Tensor], torch.Tensor], options: InferenceOptions, device: torch.device
) -> torch.Tensor:
    """(1, D): the ``--style-weights`` blend of ``encode`` over the style images (equal weights by default)."""
    if not options.style_images:
        raise OptionError("this model takes its style from an image: give one with -s STYLE (repeat to blend)")
    weights = torch.tensor(options.style_weights or [1.0] * len(options.style_images), dtype=torch.float32)
    if not torch.isfinite(weights).all() or (weights < 0).any() or weights.sum() <= 0:
        raise OptionError("--style-weights must be non-negative numbers with a positive sum, like 0.7,0.3")
    weights = weights / weights.sum()
    with torch.inference_mode():
        codes = [encode(read_image(path).to(device)) for path in options.style_images]
    return sum(w * code for w, code in zip(weights.tolist(), codes)).clone()


def keyed_style(engine: FrameStylizer, keys: StyleKeys) -> Steer:
    """Style keyframes on a network that takes any style: each frame of a batch gets its own blend of
    the keyframed styles' codes (predicted vectors, or AdaIN feature statistics), one row per frame."""
    encode = getattr(engine.network, "encode_style", None)
    if encode is None:
        raise UsageError(f"--style-at needs a model that takes any style: builtin:{ARBITRARY}, builtin:{MICROAST} or an AdaIN decoder")
    with torch.inference_mode():
        codes = torch.cat([encode(read_image(path).to(engine.device)) for path in keys.files]).float()

    def steer(moments: Sequence[Moment]) -> None:
        weights = torch.tensor([keys.schedule.at(m) for m in moments], dtype=torch.float32, device=engine.device)
        engine.style = (weights / weights.sum(dim=1, keepdim=True)) @ codes

    return steer
