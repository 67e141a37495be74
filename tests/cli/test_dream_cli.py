"""`videostyle dream`: options parse and act; bad requests are one line and a non-zero exit."""

from fractions import Fraction

import numpy as np
import pytest
from PIL import Image

from videostyle.media import probe_video

from . import run

FAST = ["--octaves", "1", "--steps", "1", "--quiet", "--device", "cpu", "--seed", "0"]


@pytest.fixture
def photo(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "in.png"
    Image.fromarray(rng.integers(0, 255, (40, 60, 3), dtype=np.uint8)).save(path)
    return path


def test_image_with_layers_channel_and_class(photo, tmp_path, capsys):
    target = tmp_path / "o.png"
    code, out, err = run(
        capsys, "dream", photo, "-o", target, "--layer", "block7:0.5", "--layer", "block10",
        "--channel", "block10:3", "--class", "Tabby", "--size", "48", *FAST,
    )
    assert code == 0, err
    assert "o.png" in out and Image.open(target).size == (48, 32)


def test_zoom_loop_gif_with_ramps_and_keyframes(photo, tmp_path, capsys):
    target = tmp_path / "z.gif"
    code, _, err = run(
        capsys, "dream", photo, "-o", target, "--frames", "3", "--fps", "10", "--zoom", "1.02:1.08",
        "--rotate", "0:0,2:3", "--translate", "0,0:2,1", *FAST,
    )
    assert code == 0, err
    info = probe_video(target)
    assert info.fps == Fraction(10) and info.frame_count == 3


@pytest.mark.parametrize(
    "args, message",
    [
        (["--class", "tabbby"], "did you mean"),
        (["--layer", "block99"], "unknown layer"),
        (["--channel", "block7"], "LAYER:INDEX"),
        (["--frames", "2"], "zoom loop made from a still"),
        (["--zoom", "0:1,x:2", "-o", "{tmp}/z.mp4"], "keyframe"),
        (["--zoom", "0", "-o", "{tmp}/z.mp4"], "above 0"),
        (["--fps", "fast", "-o", "{tmp}/z.mp4"], "--fps"),
    ],
)
def test_bad_options_are_one_line_errors(photo, tmp_path, capsys, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if "-o" not in args:
        args += ["-o", str(tmp_path / "o.png")]
    code, _, err = run(capsys, "dream", photo, *args, *FAST)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_usage_errors_exit_two(photo, tmp_path, capsys):
    code, _, _ = run(capsys, "dream", photo, "-o", tmp_path / "o.png", "--octaves", "0")
    assert code == 2


def test_precision_bf16_dreams(photo, tmp_path, capsys):
    code, _, err = run(capsys, "dream", photo, "-o", tmp_path / "o.png", "--precision", "bf16", "--size", "48", *FAST)
    assert code == 0, err
    assert Image.open(tmp_path / "o.png").size == (48, 32)
