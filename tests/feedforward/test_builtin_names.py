"""The 26 fixed styles have names (given by looking at them) as well as numbers."""

import pytest

from videostyle.errors import OptionError
from videostyle.feedforward.builtin.catalog import parse_builtin
from videostyle.feedforward.builtin.names import STYLE_NAMES_26, builtin_names
from videostyle.feedforward.listing import builtin_models


def test_a_name_is_its_number():
    assert parse_builtin("builtin:starry-blue") == 19 == parse_builtin("builtin:19")
    assert len(set(STYLE_NAMES_26)) == 26 and "builtin:charcoal" in builtin_names()
    with pytest.raises(OptionError, match="starry-blue"):
        parse_builtin("builtin:starry")


def test_models_lists_every_style_by_name():
    listed = next(entry.styles for entry in builtin_models() if entry.model.startswith("builtin:0"))
    assert all(f"{i}: {name}" in listed for i, name in enumerate(STYLE_NAMES_26))
