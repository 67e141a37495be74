import pytest

from videostyle.timeline import Moment, Schedule, parse_keyframes, parse_schedule
from videostyle.errors import OptionError

F = Moment.of_frame


def test_constant_ramp_and_keyframes():
    assert parse_schedule("1.05").frames(3) == [(1.05,)] * 3
    ramp = parse_schedule("1.02:1.08")
    assert ramp.at(F(0, 4)) == (1.02,) and ramp.at(F(3, 4)) == pytest.approx((1.08,))
    assert ramp.at(F(1, 4)) == pytest.approx((1.04,))
    assert ramp.frames(1) == [(1.02,)]
    keys = parse_schedule("50:1.05, 0:1.0,")  # any order, spaces, trailing comma
    assert keys.at(F(0, 200)) == (1.0,) and keys.at(F(25, 200)) == pytest.approx((1.025,))
    assert keys.at(F(50, 200)) == (1.05,) and keys.at(F(199, 200)) == (1.05,)  # held after the last keyframe
    assert parse_schedule("10:2;20:4").at(F(0, 5)) == (2.0,)  # held before the first one


def test_vector_values():
    assert parse_schedule("2,-1", dims=2).at(F(7, 10)) == (2.0, -1.0)
    assert parse_schedule("0,0:4,2", dims=2).at(F(2, 3)) == pytest.approx((4.0, 2.0))
    keys = parse_schedule("0:0,0;10:4,2", dims=2)
    assert keys.at(F(5, 20)) == pytest.approx((2.0, 1.0))
    assert Schedule.constant(1, 2).at(F(0, 1)) == (1.0, 2.0)


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
    fps = float(words[words.index("--fps") + 1])
    held = range(0, 21)
    assert all(zoom.at(F(f, frames, fps)) == (1.0,) and translate.at(F(f, frames, fps)) == (0.0, 0.0) for f in held)
    later = [zoom.at(F(f, frames, fps))[0] for f in range(21, frames)]
    assert later == sorted(later) and later[-1] == 1.05 and translate.at(F(frames - 1, frames, fps)) == (3.0, 0.0)
    assert re.search(r"hold still, then drift right while zooming in", text)


def test_times_in_frames_seconds_and_timecodes():
    from videostyle.timeline import Mark, parse_time

    assert parse_time("48") == Mark(48.0)
    assert parse_time("8s") == Mark(8.0, "second") and parse_time("2.5s") == Mark(2.5, "second")
    assert parse_time("1:30") == Mark(90.0, "second") and parse_time("1:00:01.5") == Mark(3601.5, "second")
    with pytest.raises(OptionError):
        parse_time("8m")
    # a timecode inside a keyframe list: "1:30:1.05" is 1 min 30 s -> 1.05
    keys = parse_schedule("0:1.0,1:30:2.0")
    assert keys.at(Moment(0, 45.0, None, 25.0)) == pytest.approx((1.5,))


def test_seconds_follow_presentation_time_not_frame_count():
    """Variable frame rate: the value follows each frame's own time; frame keys become seconds at the nominal rate."""
    keys = parse_keyframes(["0:0", "2s:1"])
    assert keys.at(Moment(10, 1.0, None, 30.0)) == (0.5,)  # frame 10 shown at 1.0 s (slow part of a VFR clip)
    assert keys.at(Moment(10, 0.25, None, 30.0)) == (0.125,)
    mixed = parse_keyframes(["30:0", "2s:1"])  # frame 30 at 30 fps = 1 s
    assert mixed.at(Moment(0, 1.5, None, 30.0)) == (0.5,)


@pytest.mark.parametrize("ease, middle, quarter", [("linear", 0.5, 0.25), ("smooth", 0.5, 0.15625), ("hold", 0.0, 0.0)])
def test_eases(ease, middle, quarter):
    keys = parse_keyframes(["0:0", "8:1"], ease=ease)
    assert keys.at(F(4, 9))[0] == pytest.approx(middle)
    assert keys.at(F(2, 9))[0] == pytest.approx(quarter)
    assert keys.at(F(8, 9)) == (1.0,)
    with pytest.raises(OptionError):
        parse_keyframes(["0:0"], ease="bouncy")


def test_style_keys_are_one_hot_weights_over_distinct_files():
    from pathlib import Path

    from videostyle.timeline import parse_style_keys

    keys = parse_style_keys(("0:a.jpg", "10:b.jpg", "20:a.jpg", "30:C:/styles/c.png"))
    assert keys.files == (Path("a.jpg"), Path("b.jpg"), Path("C:/styles/c.png"))
    assert keys.schedule.at(F(5, 40)) == (0.5, 0.5, 0.0)
    assert keys.schedule.at(F(20, 40)) == (1.0, 0.0, 0.0) and keys.schedule.at(F(39, 40)) == (0.0, 0.0, 1.0)
    with pytest.raises(OptionError):
        parse_style_keys(("0:a.jpg", "0:b.jpg"))
    with pytest.raises(OptionError):
        parse_style_keys(("a.jpg",))
