import pytest

from videostyle.backbones import IMAGENET_CLASSES, resolve_class
from videostyle.errors import OptionError


def test_class_by_name_any_case_or_index_with_suggestions():
    names = IMAGENET_CLASSES
    assert names[resolve_class("tabby", names)] == "tabby"
    assert resolve_class("Tabby", names) == resolve_class("tabby", names) == resolve_class("281", names)
    with pytest.raises(OptionError, match="did you mean: .*tabby"):
        resolve_class("tabbby", names)
    with pytest.raises(OptionError, match="out of range"):
        resolve_class("1000", names)
    with pytest.raises(OptionError, match="no class names"):
        resolve_class("tabby", None)
