"""The one registry idiom: names in order, one-line errors for unknown names, the CLI's choices derived."""

import pytest

from videostyle.backbones import BACKBONES
from videostyle.color import PALETTES
from videostyle.errors import OptionError
from videostyle.flow import FLOW_FACTORIES, FLOW_METHODS
from videostyle.objectives.tv import TV_GRADIENTS, TV_OPERATORS
from videostyle.optim import OPTIMIZER_FACTORIES, OPTIMIZERS
from videostyle.registry import Registry, UnknownChoice
from videostyle.stylize.inits import INIT_STARTS
from videostyle.stylize.options import INITS, PARAMETERIZATIONS
from videostyle.stylize.parameterizations import PARAMETERIZATION_FACTORIES
from videostyle.stylize.style_targets import STYLE_LOSS_KINDS, STYLE_LOSSES
from videostyle.visualize.maximize import PICTURE_PARAMS


def test_entries_keep_their_order_and_decorators_return_what_they_register():
    colors: Registry[int] = Registry("color")
    colors.register("red", 1)

    @colors.register("green")
    def green() -> int:
        return 2

    assert colors.names() == ("red", "green") and list(colors) == ["red", "green"] and len(colors) == 2
    assert colors["green"] is green and green() == 2
    assert "red" in colors and "blue" not in colors and colors.get("blue") is None
    assert colors.check("red") == "red"


def test_an_unknown_name_is_a_one_line_option_error_listing_the_choices():
    colors: Registry[int] = Registry("color")
    colors.register("red", 1)
    colors.register("green", 2)
    with pytest.raises(OptionError) as caught:
        colors["blue"]
    assert str(caught.value) == "unknown color 'blue'; choose one of red, green"
    assert isinstance(caught.value, UnknownChoice) and isinstance(caught.value, KeyError)
    with pytest.raises(ValueError, match="registered twice"):
        colors.register("red", 3)


def test_the_choice_tuples_are_the_registries_names_with_their_old_values():
    assert OPTIMIZERS == OPTIMIZER_FACTORIES.names() == ("adam", "lbfgs", "normalized", "sgd", "rmsprop")
    assert FLOW_METHODS == FLOW_FACTORIES.names() == ("dis", "farneback", "raft")
    assert STYLE_LOSSES == STYLE_LOSS_KINDS.names() == ("gram", "meancov", "smoothed", "sliced")
    assert INITS == INIT_STARTS.names() == ("warped", "content", "noise", "previous")
    assert PARAMETERIZATIONS == PARAMETERIZATION_FACTORIES.names() == ("pyramid", "pixels")
    assert TV_OPERATORS == TV_GRADIENTS.names() == ("naive", "sobel", "sobel_squish")
    assert PICTURE_PARAMS.names() == ("pixels", "fourier")
    assert tuple(PALETTES) == ("mixed", "tones", "linear")
    assert tuple(BACKBONES) == ("efficientnet-lite0", "vgg19", "vgg16")
