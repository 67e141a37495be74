"""The built-in networks' names (``--model builtin:NAME``), in a module that loads nothing."""

from __future__ import annotations

PREFIX = "builtin:"
ARBITRARY = "arbitrary"
MICROAST = "microast"
ANY_STYLE = (ARBITRARY, MICROAST)  # the built-in networks that take their style from -s images
STYLES_26 = 26  # the fixed styles of Magenta's multi-style network (builtin:0 .. builtin:25)
STYLE_NAMES_26 = (
    "pastel-brush", "black-bars", "ink-wash", "bold-swirls", "pale-impasto", "warm-oil", "blue-cells",
    "night-strokes", "fine-lines", "teal-tiles", "sepia-oil", "yellow-sketch", "soft-pastel", "green-fauve",
    "pale-wash", "broken-lines", "blue-impression", "red-blocks", "sand-strokes", "starry-blue", "red-fauve",
    "pink-blocks", "slate-oil", "charcoal", "cyan-sketch", "dark-mosaic",
)
"""Names for the 26 fixed styles, given by looking at them (docs/images/builtin_sheet.jpg): the source files
number them only. ``builtin:starry-blue`` is ``builtin:19``."""


def is_builtin(model: object) -> bool:
    return str(model).startswith(PREFIX)


def builtin_names() -> list[str]:
    """Every accepted ``--model builtin:NAME``: the any-style networks and the 26 fixed styles."""
    return [*(PREFIX + name for name in ANY_STYLE), *(f"{PREFIX}{i}" for i in range(STYLES_26)),
            *(PREFIX + name for name in STYLE_NAMES_26)]
