"""The CLI contract: options parse and act, and every bad input is one line and a non-zero exit."""

from fractions import Fraction

import numpy as np
import pytest
from PIL import Image

from videostyle.media import probe_video

from . import run

FAST = ["--steps", "2", "--quiet", "--device", "cpu"]


def test_image_with_size_blend_and_preserve_color(files, capsys):
    Image.fromarray(np.full((20, 20), 128, dtype=np.uint8), "L").save(files / "gray.png")
    code, out, err = run(
        capsys, "stylize", files / "content.png", "-s", files / "style.png", "-s", files / "gray.png",
        "--style-weights", "0.7,0.3", "--preserve-color", "--size", "30", "-o", files / "out.png", *FAST,
    )
    assert code == 0, err
    assert "out.png" in out
    assert Image.open(files / "out.png").size == (30, 20)


def test_style_strength_and_loss_options_parse_and_run(files, capsys):
    code, _, err = run(
        capsys, "stylize", files / "content.png", "-s", files / "style.png", "--style-strength", "1.2",
        "--style-loss", "meancov", "--no-color-init", "--size", "30", "-o", files / "strong.png", *FAST,
    )
    assert code == 0, err
    assert Image.open(files / "strong.png").size == (30, 20)
    code, _, err = run(capsys, "stylize", files / "content.png", "-s", files / "style.png", "--style-strength", "5",
                       "-o", files / "bad.png", *FAST)
    assert code == 2 and not (files / "bad.png").exists()


def test_tile_splits_large_images_and_refuses_a_loss_that_cannot_be_tiled(files, capsys):
    code, _, err = run(capsys, "stylize", files / "content.png", "-s", files / "style.png", "--size", "300",
                       "--tile", "256", "--steps", "1", "-o", files / "big.png", "--quiet", "--device", "cpu")
    assert code == 0, err
    assert Image.open(files / "big.png").size == (300, 200)
    code, _, err = run(capsys, "stylize", files / "content.png", "-s", files / "style.png", "--size", "300",
                       "--tile", "256", "--style-loss", "sliced", "-o", files / "sliced.png", *FAST)
    assert code != 0 and "--tile 256" in err and len(err.strip().splitlines()) == 1
    assert not (files / "sliced.png").exists()


def test_video_keeps_fps_and_rounds_size_to_even(clip, tmp_path, files, capsys):
    source = clip(size=(64, 48), frames=4, fps=Fraction(25))
    code, _, err = run(capsys, "stylize", source, "-s", files / "style.png", "-o", tmp_path / "o.mp4", "--size", "37", *FAST)
    assert code == 0, err
    info = probe_video(tmp_path / "o.mp4")
    assert info.fps == 25 and info.width % 2 == 0 and info.height % 2 == 0 and info.has_audio


@pytest.mark.parametrize(
    "mode", ["I;16", "L", "LA", "RGBA", "CMYK", "P"],
)
def test_unusual_image_modes_work_as_content_and_style(files, capsys, mode):
    array = np.linspace(0, 1, 24 * 24).reshape(24, 24)
    if mode == "I;16":
        image = Image.fromarray((array * 65535).astype(np.uint16))
    else:
        image = Image.fromarray((array * 255).astype(np.uint8)).convert(mode)
    path = files / ("odd.png" if mode != "CMYK" else "odd.jpg")
    image.save(path)
    code, _, err = run(capsys, "stylize", path, "-s", path, "-o", files / "o.png", *FAST)
    assert code == 0, err


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["missing.png", "-s", "style.png"], 1, "does not exist"),
        (["content.png", "-s", "nostyle.png"], 1, "does not exist"),
        (["content.png", "-s", "garbage.png"], 1, "garbage.png"),
        (["garbage.mp4", "-s", "style.png"], 1, "garbage.mp4"),
        (["text.mp4", "-s", "style.png"], 1, "text.mp4"),
        (["content.png", "-s", "style.png", "--size", "100000"], 2, "--size"),
        (["content.png", "-s", "style.png", "--style-weight", "-1"], 2, "--style-weight"),
        (["content.png", "-s", "style.png", "--style-weight", "nan"], 2, "--style-weight"),
        (["content.png", "-s", "style.png", "--style-weights", "1,1"], 2, "2 values for 1 style"),
        (["content.png", "-s", "style.png", "--style-weights", "a,b"], 2, "comma-separated numbers"),
        (["content.png", "-s", "style.png", "--content-layers", "block99"], 2, "unknown layer"),
        (["content.png", "-s", "style.png", "--optimizer", "sgd"], 2, "optimizer"),
        (["content.png", "-s", "style.png", "--preset", "fastest"], 2, "preset"),
    ],
)
def test_bad_input_is_one_line_and_nonzero(files, capsys, args, code, message, monkeypatch):
    monkeypatch.chdir(files)
    (files / "garbage.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    (files / "garbage.mp4").write_bytes(np.random.default_rng(1).bytes(4000))
    (files / "text.mp4").write_text("this is not a video\n")
    out = "o.mp4" if any(a.endswith(".mp4") for a in args[:1]) or "--preset" in args else "o.png"
    if "--preset" in args:
        args = ["in.mp4", *args[1:]]
        from tests.conftest import make_clip

        make_clip(files / "in.mp4", frames=2)
    got, _, err = run(capsys, "stylize", *args, "-o", out, *FAST)
    assert got == code, err
    assert message in err
    if code == 1:
        assert len(err.strip().splitlines()) == 1, err
    assert not (files / out).exists()


def test_existing_output_needs_overwrite(files, capsys):
    target = files / "out.png"
    target.write_bytes(b"keep me")
    code, _, err = run(capsys, "stylize", files / "content.png", "-s", files / "style.png", "-o", target, *FAST)
    assert code == 1 and "--overwrite" in err and target.read_bytes() == b"keep me"
    code, _, _ = run(capsys, "stylize", files / "content.png", "-s", files / "style.png", "-o", target, "--overwrite", *FAST)
    assert code == 0 and target.read_bytes() != b"keep me"


def test_no_video_stream_is_an_error(files, capsys, tmp_path):
    from tests.conftest import make_audio_only

    audio = make_audio_only(tmp_path / "sound.mp4")
    code, _, err = run(capsys, "stylize", audio, "-s", files / "style.png", "-o", tmp_path / "o.mp4", *FAST)
    assert code == 1 and "video" in err


def test_models_lists_backbones_and_weights(capsys):
    code, out, _ = run(capsys, "models")
    assert code == 0
    assert "efficientnet-lite0" in out and "weights: present" in out and "vgg19" in out and "block7" in out


def test_precision_bf16_runs_and_fp16_is_refused_without_a_model(files, capsys):
    code, _, err = run(capsys, "stylize", files / "content.png", "-s", files / "style.png", "--precision", "bf16",
                       "--size", "30", "-o", files / "bf16.png", *FAST)
    assert code == 0, err
    assert Image.open(files / "bf16.png").size == (30, 20)
    code, _, err = run(capsys, "stylize", files / "content.png", "-s", files / "style.png", "--precision", "fp16",
                       "-o", files / "fp16.png", *FAST)
    assert code == 2 and "fp16 is for stylize --model" in err and len(err.strip().splitlines()) == 1
    assert not (files / "fp16.png").exists()
