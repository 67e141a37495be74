import pytest

from videostyle.dream import Schedule, parse_schedule
from videostyle.errors import OptionError


def test_constant_ramp_and_keyframes():
    assert parse_schedule("1.05").values(3) == [(1.05,)] * 3
    ramp = parse_schedule("1.02:1.08")
    assert ramp.at(0, 4) == (1.02,) and ramp.at(3, 4) == pytest.approx((1.08,))
    assert ramp.at(1, 4) == pytest.approx((1.04,))
    assert ramp.values(1) == [(1.02,)]
    keys = parse_schedule("50:1.05, 0:1.0,")  # any order, spaces, trailing comma
    assert keys.at(0, 200) == (1.0,) and keys.at(25, 200) == pytest.approx((1.025,))
    assert keys.at(50, 200) == (1.05,) and keys.at(199, 200) == (1.05,)  # held after the last keyframe
    assert parse_schedule("10:2;20:4").at(0, 5) == (2.0,)  # held before the first one


def test_vector_values():
    assert parse_schedule("2,-1", dims=2).at(7, 10) == (2.0, -1.0)
    assert parse_schedule("0,0:4,2", dims=2).at(2, 3) == pytest.approx((4.0, 2.0))
    keys = parse_schedule("0:0,0;10:4,2", dims=2)
    assert keys.at(5, 20) == pytest.approx((2.0, 1.0))
    assert Schedule.constant(1, 2).at(0, 1) == (1.0, 2.0)


@pytest.mark.parametrize(
    "text, dims",
    [("", 1), ("abc", 1), ("1:2:3", 1), ("0:1,x:2", 1), ("0:1,0:2", 1), ("1", 2), ("0:1,1;5:2", 2), ("nan", 1), ("-1:2,3:4", 1)],
)
def test_bad_schedules_are_option_errors(text, dims):
    with pytest.raises(OptionError):
        parse_schedule(text, dims, "--zoom")


def test_the_manual_example_holds_still_then_drifts_right_while_zooming_in():
    """docs/dream.md: "hold still, then drift right while zooming in" (its zoom once ramped from frame 0)."""
    import re
    import shlex
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "dream.md").read_text().replace("\\\n", " ")
    line = next(l for l in text.splitlines() if "--translate" in l and "--zoom" in l)
    words = shlex.split(line)
    zoom = parse_schedule(words[words.index("--zoom") + 1])
    translate = parse_schedule(words[words.index("--translate") + 1], dims=2)
    frames = int(words[words.index("--frames") + 1])
    held = range(0, 21)
    assert all(zoom.at(f, frames) == (1.0,) and translate.at(f, frames) == (0.0, 0.0) for f in held)
    later = [zoom.at(f, frames)[0] for f in range(21, frames)]
    assert later == sorted(later) and later[-1] == 1.05 and translate.at(frames - 1, frames) == (3.0, 0.0)
    assert re.search(r"hold still, then drift right while zooming in", text)
