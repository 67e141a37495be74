import pytest
import torch

from videostyle.dream import DreamOptions, Dreamer, dream_objective, parse_channel, parse_layer
from videostyle.errors import OptionError
from videostyle.objectives import Channel, ClassLogit, FeatureDot, LayerEnergy
from videostyle.progress import drain

FEW = dict(octaves=1, steps=4, jitter=4, seed=0)


def test_parse_layer_and_channel():
    assert parse_layer("block7") == ("block7", 1.0)
    assert parse_layer(" block7:0.5 ") == ("block7", 0.5)
    assert parse_channel("block10:42") == ("block10", 42)
    for bad in (":1", "block7:x", "block7:-1", "block7:0"):
        with pytest.raises(OptionError):
            parse_layer(bad)
    for bad in ("block10", "block10:", "block10:-3", ":4", "block10:a"):
        with pytest.raises(OptionError):
            parse_channel(bad)


def test_objective_errors_name_the_problem(lite0):
    with pytest.raises(OptionError, match="nothing to amplify"):
        dream_objective(lite0)
    with pytest.raises(OptionError, match="unknown layer"):
        dream_objective(lite0, [("block99", 1.0)])
    with pytest.raises(OptionError, match="channels 0..79"):
        dream_objective(lite0, channels=[("block7", 80)])
    with pytest.raises(OptionError, match="not a convolutional layer"):
        dream_objective(lite0, channels=[("logits", 3)])
    with pytest.raises(OptionError, match="give --layer"):
        dream_objective(lite0, channels=[("block7", 1)], guide=torch.rand(1, 3, 32, 32))


def measure(objective, backbone, image):
    with torch.no_grad():
        return float(objective(image, backbone(image, objective.layers)))


@pytest.mark.parametrize(
    "options, target",
    [
        (DreamOptions(layers=(("block7", 1.0),), **FEW), LayerEnergy("block7")),
        (DreamOptions(channels=(("block10", 5),), **FEW), Channel("block10", 5)),
        (DreamOptions(class_name="goldfish", **FEW), ClassLogit(1)),
    ],
    ids=["layer", "channel", "class"],
)
def test_each_objective_increases_its_target_within_a_few_steps(lite0, cat, options, target):
    before = measure(target, lite0, cat)
    dreamed = drain(Dreamer(options, "cpu", backbone=lite0).run(cat))
    assert dreamed.shape == cat.shape and 0 <= float(dreamed.min()) and float(dreamed.max()) <= 1
    assert measure(target, lite0, dreamed) > before + 0.1 * abs(before)


def test_guide_pulls_features_towards_the_guide(lite0, cat):
    y, x = torch.meshgrid(torch.arange(64), torch.arange(64), indexing="ij")
    guide = torch.stack([((x // 8 + y // 8) % 2).float(), torch.zeros(64, 64), ((x // 8) % 2).float()])[None]
    options = DreamOptions(layers=(("block7", 1.0),), **FEW)
    with torch.no_grad():
        target = FeatureDot("block7", lite0(torch.nn.functional.interpolate(guide, size=224), ["block7"])["block7"])
    before = measure(target, lite0, cat)
    dreamed = drain(Dreamer(options, "cpu", guide=guide, backbone=lite0).run(cat))
    assert measure(target, lite0, dreamed) > before + 0.1 * abs(before)


def test_default_targets_are_the_backbones_dream_layers(lite0):
    layers, channels, class_name = DreamOptions().targets()
    assert layers and all(weight == 1.0 for _, weight in layers) and not channels and class_name is None
    assert DreamOptions(class_name="tabby").targets()[0] == ()


@pytest.mark.parametrize(
    "field, value",
    [("octaves", 0), ("octave_scale", 1.0), ("steps", 0), ("step_size", 0.0), ("step_size", float("nan")), ("jitter", -1), ("tile", 8)],
)
def test_bad_options_are_option_errors(field, value):
    with pytest.raises(OptionError):
        DreamOptions(**{field: value})
