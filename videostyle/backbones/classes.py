"""ImageNet class names, and finding a class by name or index for every technique that targets one."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from torchvision import models

from ..errors import OptionError

IMAGENET_CLASSES: list[str] = list(models.VGG19_Weights.IMAGENET1K_V1.meta["categories"])


def resolve_class(name_or_index: str, class_names: Sequence[str] | None) -> int:
    """An ImageNet class by index ('281') or name ('tabby', any case), with suggestions when unknown."""
    if class_names is None:
        raise OptionError("this backbone has no class names; --class needs an ImageNet classifier")
    text = name_or_index.strip()
    if text.isdigit():
        index = int(text)
        if index >= len(class_names):
            raise OptionError(f"--class {index} is out of range; use 0..{len(class_names) - 1} or a class name")
        return index
    lowered = [name.lower() for name in class_names]
    if text.lower() in lowered:
        return lowered.index(text.lower())
    close = [class_names[lowered.index(m)] for m in difflib.get_close_matches(text.lower(), lowered, n=5, cutoff=0.6)]
    close += [name for name in class_names if text.lower() in name.lower() and name not in close]
    hint = f"; did you mean: {', '.join(close[:6])}?" if close else "; give an ImageNet class name or an index 0..999"
    raise OptionError(f"unknown class {text!r}{hint}")
