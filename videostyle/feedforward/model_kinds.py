"""The kinds of ``--model`` by name: AdaIN decoder files, built-in networks, trained style networks.

Each kind says whether a ``--model`` value is one of its own, opens it as a FrameStylizer and, for
files, describes one for ``videostyle models``. The first kind (in registration order) that
recognizes a value takes it, so trained model files, which any other path may be, come last.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch

from ..errors import UsageError
from ..registry import Registry
from .adain.file import is_adain_file, read_decoder_info
from .arbitrary import adain_stylizer, builtin_stylizer
from .builtin import is_builtin
from .inference import FrameStylizer, InferenceOptions
from .johnson.model_file import ModelInfo, load_model, read_model_info
from .johnson.network import style_weights

ANY_STYLE = "any image given with -s"


@dataclass(frozen=True)
class ModelKind:
    """``recognizes(model)``; ``open(model, options, device)`` -> (stylizer, the model file's info if it has one);
    ``describe(path)`` -> (what it is, its styles), for kinds that are files."""

    recognizes: Callable[[str | os.PathLike], bool]
    open: Callable[[str | os.PathLike, InferenceOptions, torch.device], tuple[FrameStylizer, ModelInfo | None]]
    describe: Callable[[Path], tuple[str, str]] | None = None


def _open_trained(path: str | os.PathLike, options: InferenceOptions, device: torch.device) -> tuple[FrameStylizer, ModelInfo]:
    if options.style_images:
        raise UsageError("-s/--style does not apply to this model (its styles are built in); use --style-index or --style-mix")
    if options.alpha != 1.0:
        raise UsageError("--alpha does not apply to this model (its styles are built in); it is for networks that take -s")
    network, info = load_model(path, device)
    style = style_weights(info.config.styles, options.style_index, options.style_mix)
    return FrameStylizer(network, style, device, options), info


def _describe_adain(path: Path) -> tuple[str, str]:
    info = read_decoder_info(path)
    return f"AdaIN decoder ({info.backbone} {info.layer})", ANY_STYLE


def _describe_trained(path: Path) -> tuple[str, str]:
    info = read_model_info(path)
    return f"trained network, width {info.config.width}", ", ".join(f"{i}: {name}" for i, name in enumerate(info.style_names))


MODEL_KINDS: Registry[ModelKind] = Registry("model kind")
MODEL_KINDS.register(
    "adain", ModelKind(is_adain_file, lambda model, options, device: (adain_stylizer(model, options, device), None), _describe_adain)
)
MODEL_KINDS.register("builtin", ModelKind(is_builtin, lambda model, options, device: (builtin_stylizer(model, options, device), None)))
MODEL_KINDS.register("trained", ModelKind(lambda model: True, _open_trained, _describe_trained))


def model_kind(model: str | os.PathLike) -> ModelKind:
    return next(kind for kind in MODEL_KINDS.values() if kind.recognizes(model))


def open_model(model: str | os.PathLike, options: InferenceOptions, device: torch.device) -> tuple[FrameStylizer, ModelInfo | None]:
    """A trained model file, an AdaIN decoder file or ``builtin:NAME`` as a FrameStylizer (and the file's ModelInfo)."""
    return model_kind(model).open(model, options, device)
