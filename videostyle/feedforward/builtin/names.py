"""The built-in networks' names (``--model builtin:NAME``), in a module that loads nothing."""

from __future__ import annotations

PREFIX = "builtin:"
ARBITRARY = "arbitrary"
MICROAST = "microast"
ANY_STYLE = (ARBITRARY, MICROAST)  # the built-in networks that take their style from -s images
STYLES_26 = 26  # the fixed styles of Magenta's multi-style network (builtin:0 .. builtin:25)


def is_builtin(model: object) -> bool:
    return str(model).startswith(PREFIX)


def builtin_names() -> list[str]:
    """Every accepted ``--model builtin:NAME``: the any-style networks and the 26 fixed styles."""
    return [*(PREFIX + name for name in ANY_STYLE), *(f"{PREFIX}{i}" for i in range(STYLES_26))]
