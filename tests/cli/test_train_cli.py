"""`videostyle train` and `videostyle stylize --model`: options parse, act, and fail in one line."""

from fractions import Fraction

import pytest

from videostyle.feedforward.johnson.model_file import read_model_info
from videostyle.media import probe_video

from . import run

TINY = ["--steps", "2", "--size", "32", "--batch-size", "1", "--width-mult", "0.125", "--device", "cpu", "--quiet"]


def test_train_then_stylize_a_video_with_the_model(files, clip, capsys):
    source = clip("in.mp4", size=(64, 48), frames=5, fps=Fraction(25))
    model = files / "m.safetensors"
    code, out, _ = run(
        capsys, "train", "-s", files / "style.png", "-s", files / "content.png", "--data", source,
        "--data", files / "content.png", "-o", model, "--preview-every", "0", *TINY,
    )
    assert code == 0 and "wrote" in out
    assert read_model_info(model).style_names == ("style", "content")

    code, _, _ = run(capsys, "stylize", source, "--model", model, "--style-mix", "0.3,0.7", "-o", files / "o.mp4", "--quiet")
    info = probe_video(files / "o.mp4")
    assert code == 0 and (info.frame_count, info.fps, info.has_audio) == (5, Fraction(25), True)
    code, _, _ = run(capsys, "stylize", files / "content.png", "--model", model, "--style-index", "1", "-o", files / "o.png")
    assert code == 0 and (files / "o.png").is_file()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["stylize", "content.png", "-o", "o.png"], 2, "--model"),
        (["stylize", "content.png", "--model", "m.safetensors", "-s", "style.png", "-o", "o.png"], 2, "does not apply"),
        (["stylize", "content.png", "--model", "style.png", "-o", "o.png"], 1, "model file"),
        (["stylize", "content.png", "--model", "none.safetensors", "-o", "o.png"], 1, "does not exist"),
        (["stylize", "content.png", "--model", "m.safetensors", "--batch-size", "0", "-o", "o.png"], 2, "--batch-size"),
        (["train", "-s", "style.png", "--data", "missing", "-o", "m2.safetensors", *TINY], 1, "does not exist"),
        (["train", "-s", "style.png", "--data", "content.png", "-o", "m.pt", *TINY], 1, ".safetensors"),
        (["train", "-s", "style.png", "--data", "content.png", "-o", "m2.safetensors", "--resume", *TINY], 1, "no checkpoint"),
        (["train", "-s", "style.png", "--data", "content.png", "-o", "m2.safetensors", "--steps", "0"], 2, "--steps"),
    ],
)
def test_bad_usage_is_one_line(files, capsys, monkeypatch, args, code, message):
    monkeypatch.chdir(files)
    (files / "m.safetensors").write_bytes(b"placeholder")
    got, _, err = run(capsys, *args)
    assert got == code and message in err
    assert not (files / "o.png").exists() and not (files / "m2.safetensors").exists()


@pytest.mark.parametrize("arbitrary", [[], ["--arbitrary"]])
def test_train_in_bf16(files, capsys, arbitrary):
    code, out, err = run(
        capsys, "train", "-s", files / "style.png", "--data", files / "content.png", "-o", files / "bf16.safetensors",
        "--precision", "bf16", "--preview-every", "0", *arbitrary, *(TINY[:6] + TINY[8:] if arbitrary else TINY),
    )
    assert code == 0 and "wrote" in out, err


def test_options_the_decoder_does_not_read_are_refused_with_arbitrary(files, capsys):
    code, out, err = run(capsys, "train", "-s", files / "style.png", "--data", files / "content.png", "-o",
                         files / "d.safetensors", "--arbitrary", "--tv-weight", "5", *TINY[:6], "--device", "cpu")
    assert code == 2 and "--tv-weight does not apply here: it is for train without --arbitrary" in err
