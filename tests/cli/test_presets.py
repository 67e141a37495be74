"""--quality presets: defaults per engine that never override what the user gave, and the time estimate."""

import pytest
import torch

from videostyle.cli.declare import DECLARATIONS
from videostyle.media import write_image
from videostyle.cli.stylize import DECLARATION
from videostyle.presets import PRESETS, preset_values, resolve_quality, with_preset
from videostyle.stylize.options import StyleOptions
from videostyle.stylize.temporal_options import TemporalOptions

from ..cli import run


def test_auto_is_draft_only_for_a_video_by_optimization_on_a_cpu():
    assert resolve_quality("auto", video=True, optimizing=True, cpu=True) == "draft"
    assert resolve_quality("auto", video=False, optimizing=True, cpu=True) == "standard"
    assert resolve_quality("auto", video=True, optimizing=False, cpu=True) == "standard"
    assert resolve_quality("auto", video=True, optimizing=True, cpu=False) == "standard"
    assert resolve_quality("fine", video=False, optimizing=False, cpu=True) == "fine"


def test_every_preset_field_is_a_field_of_its_class():
    classes = {cls.__name__: cls for d in DECLARATIONS.values() for cls in d.groups()}
    for preset in PRESETS.values():
        for name, values in preset.items():
            with_preset(classes[name](), "standard")  # the class exists
            assert set(values) <= set(classes[name].__dataclass_fields__), name


def test_what_the_user_gave_wins_and_warm_steps_follow_given_steps():
    params = {"steps": 300, "warm_steps": None, "warm_limit": None}
    style = DECLARATION.build(StyleOptions, params, given={"steps"}, quality="draft")
    assert style.steps == 300
    temporal = DECLARATION.build(TemporalOptions, params, given={"steps"}, quality="draft")
    assert (temporal.warm_steps, temporal.warm_limit) == (None, None)
    assert preset_values("draft", TemporalOptions) == {"warm_steps": 10, "warm_limit": 20}
    assert DECLARATION.build(StyleOptions, {}, quality="draft").steps == 80 == with_preset(StyleOptions(), "draft").steps


@pytest.mark.parametrize("quality", ["fine", "standard"])
def test_a_quality_is_a_choice_of_every_command_with_presets(quality):
    preset = {name for values in PRESETS.values() for name in values}
    with_presets = [d for d in DECLARATIONS.values() if preset & {cls.__name__ for cls in d.groups()}]
    assert len(with_presets) >= 2
    assert all("quality" in {f for cls in d.groups() for f in cls.__dataclass_fields__} for d in with_presets)


def test_a_logged_video_says_its_preset_and_expected_time(capsys, moving_clip, tmp_path):
    target, style = tmp_path / "o.mp4", tmp_path / "style.png"
    write_image(torch.rand(1, 3, 32, 32, generator=torch.Generator().manual_seed(0)), style)
    code, out, err = run(capsys, "stylize", moving_clip(frames=4), "-s", style, "-o", target, "--size", "32",
                         "--steps", "2", "--device", "cpu")
    assert code == 0, err
    assert "quality: draft" in err
    assert "expected: about" in err and "for 4 frames" in err
