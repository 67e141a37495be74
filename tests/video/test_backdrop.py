"""--style-bg: one style where the mask is white, another where it is black, each its own single-style render."""

import numpy as np
import pytest
from PIL import Image

from tests.cli import run

FAST = ["--steps", "2", "--quiet", "--device", "cpu", "--size", "32", "--seed", "0"]


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(3)
    for name, tint in (("fg.png", [1.0, 0.2, 0.2]), ("bg.png", [0.2, 0.2, 1.0])):  # a red style and a blue one
        Image.fromarray((rng.integers(0, 255, (32, 32, 3)) * tint).astype(np.uint8)).save(tmp_path / name)
    (tmp_path / "shot").mkdir()
    for n in (1, 2, 3):
        Image.fromarray(rng.integers(0, 255, (24, 32, 3), dtype=np.uint8)).save(tmp_path / "shot" / f"p.{n:03d}.png")
    half = np.zeros((24, 32), np.uint8)
    half[:, :16] = 255  # left: foreground, right: background
    Image.fromarray(half).save(tmp_path / "mask.png")
    return tmp_path


def pixels(path):
    return np.asarray(Image.open(path)).astype(int)


@pytest.mark.parametrize("engine", [FAST, ["--model", "builtin:arbitrary", "--quiet", "--device", "cpu", "--size", "32"]], ids=["optimization", "any-style network"])
def test_each_side_of_a_still_matches_its_own_single_style_render(files, capsys, engine):
    content = files / "shot" / "p.001.png"
    for name, style in (("fg", "fg.png"), ("bg", "bg.png")):
        assert run(capsys, "stylize", content, "-s", files / style, "-o", files / f"{name}.out.png", *engine)[0] == 0
    code, _, err = run(capsys, "stylize", content, "-s", files / "fg.png", "--style-bg", files / "bg.png",
                       "--mask", files / "mask.png", "-o", files / "both.png", *engine)
    assert code == 0, err
    both, fg, bg = pixels(files / "both.png"), pixels(files / "fg.out.png"), pixels(files / "bg.out.png")
    assert np.array_equal(both[:, :16], fg[:, :16]) and np.array_equal(both[:, 16:], bg[:, 16:])
    assert np.abs(fg - bg).mean() > 10  # two different looks, so the test can tell the sides apart


def test_each_side_of_a_sequence_matches_its_own_render_and_the_background_render_is_removed(files, capsys):
    shot, video = files / "shot" / "p.%03d.png", [*FAST, "--no-temporal"]
    for name, style in (("fg", "fg.png"), ("bg", "bg.png")):
        assert run(capsys, "stylize", shot, "-s", files / style, "-o", files / name / "o.%03d.png", *video)[0] == 0
    code, _, err = run(capsys, "stylize", shot, "-s", files / "fg.png", "--style-bg", files / "bg.png",
                       "--mask", files / "mask.png", "-o", files / "both" / "o.%03d.png", *video)
    assert code == 0, err
    assert sorted(p.name for p in (files / "both").iterdir()) == ["o.001.png", "o.002.png", "o.003.png"]
    for n in (1, 2, 3):
        both, fg, bg = (pixels(files / side / f"o.{n:03d}.png") for side in ("both", "fg", "bg"))
        assert np.array_equal(both[:, :16], fg[:, :16]) and np.array_equal(both[:, 16:], bg[:, 16:])


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "give --mask"),
        (["--mask", "MASK", "--model", "builtin:0"], "styles from images"),
        (["--mask", "MASK", "--workers", "2"], "cannot be split"),
    ],
)
def test_style_bg_refusals(files, capsys, extra, message):
    extra = [str(files / "mask.png") if e == "MASK" else e for e in extra]
    style = [] if "--model" in extra else ["-s", files / "fg.png"]
    video = "--workers" in extra
    source, target = (files / "shot" / "p.%03d.png", files / "x.mp4") if video else (files / "shot" / "p.001.png", files / "x.png")
    code, _, err = run(capsys, "stylize", source, *style, "--style-bg", files / "bg.png",
                       *extra, "-o", target, "--quiet", "--device", "cpu")
    assert code != 0 and message in err and "Traceback" not in err
