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

from ..errors import OptionError, UsageError
from ..media import read_image
from .adain.network import AdaINNetwork
from .adain.file import is_adain_file, load_decoder
from .builtin import (
    ARBITRARY, MICROAST, is_builtin, load_arbitrary_network, load_microast, load_multistyle_network, parse_builtin,
)
from .builtin.magenta import STYLES_26
from .inference import FrameStylizer, InferenceOptions
from .johnson.network import style_weights
from ..timeline import Moment, Schedule, StyleKeys
from ..timeline.react import Offsets
from ..timeline.steer import Steer

# the built-in networks that take any style: name -> loader(alpha), each with ``encode_style``
ANY_STYLE_LOADERS: dict[str, Callable[[float], torch.nn.Module]] = {ARBITRARY: load_arbitrary_network, MICROAST: load_microast}


def takes_style_images(model: str | os.PathLike) -> bool:
    """Whether ``--model`` names a network that takes any style image (a built-in one or an AdaIN decoder)."""
    return is_adain_file(model) or (is_builtin(model) and isinstance(parse_builtin(model), str))


NUMBERS_NEED_MULTISTYLE = "--style-at: this model takes style images (TIME:FILE); style numbers (0:3) are for builtin:0..25 and multi-style models"


def adain_stylizer(model: str | os.PathLike, options: InferenceOptions, device: torch.device) -> FrameStylizer:
    """An AdaIN decoder file with the encoder it names, styled by the ``-s`` images."""
    from ..backbones import load_backbone  # here: the backbone registry imports torchvision's models (~1 s)

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
    """Style keyframes: each frame of a batch gets its own blend of the keyframed styles' codes, one row
    per frame. On a network that takes any style the codes are the style images' (predicted vectors, or
    AdaIN feature statistics); on a multi-style network (conditional instance norm) they are one-hot
    rows of the style numbers, so a blend mixes the norms' affine parameters as ``--style-mix`` does."""
    encode = engine.encode_style
    numbers = keys.numbers
    if numbers is not None:
        if encode is not None:
            raise UsageError(NUMBERS_NEED_MULTISTYLE)
        codes = style_rows(numbers, engine.style.shape[1]).to(engine.device)
    elif encode is None:
        raise UsageError(
            f"--style-at with style images needs a model that takes any style: builtin:{ARBITRARY}, builtin:{MICROAST} "
            "or an AdaIN decoder; give a multi-style model style numbers (--style-at 0:3)"
        )
    else:
        with torch.inference_mode():
            codes = torch.cat([encode(read_image(path).to(engine.device)) for path in keys.files]).float()

    def steer(moments: Sequence[Moment]) -> None:
        weights = torch.tensor([keys.schedule.at(m) for m in moments], dtype=torch.float32, device=engine.device)
        engine.style = (weights / weights.sum(dim=1, keepdim=True)) @ codes

    return steer


def keyed_alpha(engine: FrameStylizer, schedule: Schedule, offsets: Offsets | None = None) -> Steer:
    """``--alpha-at`` keyframes (or the constant ``--alpha``) plus the music's ``alpha`` offsets (``--react``),
    kept in 0..1: each frame of a batch gets its own style strength (see feedforward.alpha)."""
    if not hasattr(engine.network, "alpha"):
        raise UsageError(
            f"--alpha-at and --react alpha=... need a model that takes any style: builtin:{ARBITRARY}, builtin:{MICROAST} or an AdaIN decoder"
        )

    def alpha(moment: Moment) -> float:
        nudge = offsets.at(moment.index)["alpha"] if offsets is not None else 0.0
        return min(1.0, max(0.0, schedule.at(moment)[0] + nudge))

    def steer(moments: Sequence[Moment]) -> None:
        engine.network.alpha = torch.tensor([alpha(m) for m in moments], dtype=torch.float32, device=engine.device)

    return steer


def reactive_mix(engine: FrameStylizer, offsets: Offsets, keys: StyleKeys | None) -> Steer:
    """``--react mix=...`` on a multi-style network: the music's ``mix`` offset moves weight from the
    first of its two styles to the second (``--style-mix`` with two non-zero weights, or two
    ``--style-at`` numbers), each frame's weights kept in 0..1; it runs after any keyframe steer."""
    if engine.encode_style is not None or (keys is not None and keys.numbers is None):
        raise UsageError("--react mix=... moves between two styles of a multi-style model (builtin:0..25, trained models of several styles)")
    base = engine.style.detach().clone()
    poles = sorted(set(keys.numbers)) if keys is not None and keys.numbers else torch.nonzero(base[0]).flatten().tolist()
    if len(poles) != 2:
        raise OptionError("--react mix=... moves between two styles: give --style-mix with two non-zero weights, or two --style-at style numbers")
    first, second = poles

    def steer(moments: Sequence[Moment]) -> None:
        rows = (engine.style if keys is not None else base.expand(len(moments), -1)).clone()
        shift = torch.tensor([offsets.at(m.index)["mix"] for m in moments], dtype=rows.dtype, device=rows.device)
        pair = rows[:, first] + rows[:, second]
        rows[:, second] = torch.minimum(pair, torch.clamp(rows[:, second] + shift * pair, min=0))
        rows[:, first] = pair - rows[:, second]
        engine.style = rows

    return steer


def style_rows(numbers: Sequence[int], styles: int) -> torch.Tensor:
    """One-hot (len(numbers), styles) mixing rows of a multi-style network, refusing numbers it does not hold."""
    for number in numbers:
        if not 0 <= number < styles:
            raise OptionError(f"--style-at: style {number} is out of range: the model holds styles 0..{styles - 1}")
    return torch.eye(styles)[list(numbers)]
