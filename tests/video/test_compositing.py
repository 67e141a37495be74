"""Compositing jobs end to end on tiny frames: EXR sequences with alpha, 16-bit depth, mattes."""

from fractions import Fraction

import cv2
import numpy as np
import pytest
import torch
from PIL import Image

from tests.cli import run
from videostyle.dream import DreamOptions, dream_file
from videostyle.errors import InputError, OptionError
from videostyle.media import Frame, read_frames, read_image
from videostyle.media.exr import read_exr, write_exr
from videostyle.progress import drain
from videostyle.stylize import StyleOptions, iter_stylize_file
from videostyle.video import OutputOptions
from videostyle.video.matte import composite, matte_of, matted_still, still_with_matte

FAST = ["--steps", "2", "--quiet", "--device", "cpu", "--size", "32"]


@pytest.fixture
def style(tmp_path):
    Image.fromarray(np.random.default_rng(1).integers(0, 255, (32, 32, 3), dtype=np.uint8)).save(tmp_path / "style.png")
    return tmp_path / "style.png"


def exr_plate(folder, numbers, size=(24, 32)):
    folder.mkdir()
    rng = np.random.default_rng(0)
    for n in numbers:
        rgb = (rng.random((*size, 3)) * 0.8).astype(np.float16)
        alpha = np.tile(np.linspace(0, 1, size[1], dtype=np.float16), (size[0], 1))
        write_exr(folder / f"plate.{n:04d}.exr", rgb, alpha)
    return folder / "plate.%04d.exr"


def test_exr_sequence_with_alpha_keeps_numbers_alpha_and_float_values(tmp_path, capsys, style):
    plate = exr_plate(tmp_path / "in", range(1001, 1004))
    code, _, err = run(capsys, "stylize", plate, "-s", style, "-o", tmp_path / "out" / "o.%04d.exr", *FAST)
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["o.1001.exr", "o.1002.exr", "o.1003.exr"]
    for n in range(1001, 1004):
        (rgb_in, alpha_in), (rgb_out, alpha_out) = read_exr(tmp_path / "in" / f"plate.{n:04d}.exr"), read_exr(tmp_path / "out" / f"o.{n:04d}.exr")
        assert alpha_out.dtype == alpha_in.dtype and np.array_equal(alpha_out, alpha_in)
        steps = rgb_out.astype(np.float64) * 255
        assert np.abs(steps - steps.round()).max() > 0.01  # not 8-bit values
        assert np.array_equal(rgb_out[:, 0], rgb_in[:, 0])  # alpha 0: the input, untouched
        assert not np.allclose(rgb_out[:, -8:], rgb_in[:, -8:], atol=0.02)  # opaque: stylized


def test_a_sixteen_bit_gradient_keeps_more_than_256_levels(tmp_path, capsys, style):
    (tmp_path / "in").mkdir()
    ramp = np.tile(np.linspace(0, 65535, 600).round().astype(np.uint16), (8, 1))
    for n in (1, 2):
        cv2.imwrite(str(tmp_path / "in" / f"g.{n}.png"), np.repeat(ramp[..., None], 3, axis=2))
    mask = tmp_path / "mask.png"
    Image.fromarray(np.zeros((8, 600), np.uint8)).save(mask)  # all black: the gradient passes through
    code, _, err = run(capsys, "stylize", tmp_path / "in", "-s", style, "-o", tmp_path / "o.%d.png", "--mask", mask,
                       "--steps", "1", "--quiet", "--device", "cpu")
    assert code == 0, err
    out = cv2.imread(str(tmp_path / "o.1.png"), cv2.IMREAD_UNCHANGED)
    assert out.dtype == np.uint16 and np.unique(out[..., 0]).size > 256


def test_a_half_black_mask_leaves_that_half_as_the_input(clip, tmp_path, capsys, style):
    source = clip(size=(32, 24), frames=4, fps=Fraction(25))
    mask = tmp_path / "mask.png"
    Image.fromarray(np.hstack([np.zeros((24, 16), np.uint8), np.full((24, 16), 255, np.uint8)])).save(mask)
    target = tmp_path / "out.mp4"
    code, _, err = run(capsys, "stylize", source, "-s", style, "-o", target, "--mask", mask, "--crf", "0", *FAST)
    assert code == 0, err
    pairs = list(zip(read_frames(source), read_frames(target), strict=True))
    for before, after in pairs:
        left = np.abs(before.rgb[:, :12].astype(int) - after.rgb[:, :12].astype(int))
        right = np.abs(before.rgb[:, 20:].astype(int) - after.rgb[:, 20:].astype(int))
        assert left.mean() < 3 and right.mean() > 3 * left.mean()  # H.264 4:2:0 error only on the kept half


def test_a_moving_mask_and_mask_alpha(tmp_path, capsys, style):
    plate = exr_plate(tmp_path / "in", range(1, 4))
    (tmp_path / "m").mkdir()
    for n in range(1, 4):  # the matte's edge moves right, frame by frame
        cv2.imwrite(str(tmp_path / "m" / f"m{n}.png"), np.hstack([np.zeros((24, 8 * n), np.uint8), np.full((24, 32 - 8 * n), 255, np.uint8)]))
    code, _, err = run(capsys, "stylize", plate, "-s", style, "-o", tmp_path / "o.%04d.exr", "--mask", tmp_path / "m", *FAST)
    assert code == 0, err
    for n in range(1, 4):
        rgb_in, rgb_out = read_exr(tmp_path / "in" / f"plate.{n:04d}.exr")[0], read_exr(tmp_path / f"o.{n:04d}.exr")[0]
        assert np.array_equal(rgb_out[:, : 8 * n], rgb_in[:, : 8 * n])
    code, _, err = run(capsys, "stylize", plate, "-s", style, "-o", tmp_path / "a.%04d.exr", "--mask", "alpha", *FAST)
    assert code == 0, err
    code, _, err = run(capsys, "stylize", plate, "-s", style, "-o", tmp_path / "b.%04d.exr", "--mask", tmp_path / "m" / "m%d.png",
                       "--duration", "1", "--fps", "1", *FAST)
    assert code == 0 and len(list(tmp_path.glob("b.*.exr"))) == 1, err


def test_mask_alpha_without_alpha_and_a_short_mask_are_one_line_errors(clip, tmp_path, capsys, style):
    source = clip(size=(32, 24), frames=4, fps=Fraction(25))
    code, _, err = run(capsys, "stylize", source, "-s", style, "-o", tmp_path / "o.mp4", "--mask", "alpha", *FAST)
    assert code != 0 and "no alpha channel" in err and len(err.strip().splitlines()) == 1
    short = clip("short.mp4", size=(32, 24), frames=2, fps=Fraction(25))
    code, _, err = run(capsys, "stylize", source, "-s", style, "-o", tmp_path / "p.mp4", "--mask", short, *FAST)
    assert code != 0 and "ends before the input" in err


def test_composite_blends_by_the_matte_and_keeps_transparent_pixels():
    result = np.ones((2, 4, 3), np.float32)
    source = Frame(np.zeros((2, 4, 3), np.uint8), 0, Fraction(1, 24), alpha=np.array([[0, 255, 255, 255]] * 2, np.uint8),
                   matte=np.array([[1, 1, 0.5, 0]] * 2, np.float32))
    rgb, alpha = composite(result, source)
    assert np.allclose(rgb[0, :, 0], [0, 1, 0.5, 0]) and alpha is source.alpha
    assert np.allclose(matte_of(np.full((1, 1, 3), 255, np.uint8)), 1)


def rgba_png_sequence(folder, count=3, size=(24, 32)):
    folder.mkdir()
    rng = np.random.default_rng(2)
    alpha = np.tile(np.linspace(0, 255, size[1]).round().astype(np.uint8), (size[0], 1))
    for n in range(1, count + 1):
        bgra = np.dstack([rng.integers(0, 255, (*size, 3), dtype=np.uint8), alpha])
        cv2.imwrite(str(folder / f"f{n:03d}.png"), bgra)
    return folder / "f%03d.png", alpha


def test_prores_4444_round_trips_alpha(tmp_path, capsys, style):
    plate, alpha = rgba_png_sequence(tmp_path / "in")
    target = tmp_path / "out.mov"
    code, _, err = run(capsys, "stylize", plate, "-s", style, "-o", target, "--codec", "prores4444", *FAST)
    assert code == 0, err
    frames = list(read_frames(target))
    assert len(frames) == 3
    for frame in frames:
        assert frame.alpha is not None and np.array_equal(np.round(frame.alpha / 257.0).astype(np.uint8), alpha)
    code, _, err = run(capsys, "stylize", target, "-s", style, "-o", tmp_path / "back.%d.png", "--mask", "alpha", *FAST)
    assert code == 0, err
    back = cv2.imread(str(tmp_path / "back.1.png"), cv2.IMREAD_UNCHANGED)
    assert back.dtype == np.uint16 and back.shape[2] == 4 and np.array_equal(np.round(back[..., 3] / 257.0).astype(np.uint8), alpha)


@pytest.mark.parametrize("codec, pix_fmt, ext, deep", [
    ("h264", "yuv420p10le", ".mp4", True), ("h265", "yuv420p10le", ".mkv", True), ("h264", "yuv444p", ".mp4", False),
    ("prores", None, ".mov", True),
])
def test_ten_bit_and_444_outputs(tmp_path, capsys, style, codec, pix_fmt, ext, deep):
    plate, _ = rgba_png_sequence(tmp_path / "in", count=2)
    target = tmp_path / f"out{ext}"
    args = ["--codec", codec] + (["--pix-fmt", pix_fmt] if pix_fmt else [])
    code, _, err = run(capsys, "stylize", plate, "-s", style, "-o", target, *args, *FAST)
    assert code == 0, err
    frame = next(read_frames(target))
    assert (frame.rgb.dtype == np.float32) == deep and frame.rgb.shape == (24, 32, 3)


def test_bad_codec_choices_are_one_line_errors(tmp_path, capsys, style):
    plate, _ = rgba_png_sequence(tmp_path / "in", count=1)
    code, _, err = run(capsys, "stylize", plate, "-s", style, "-o", tmp_path / "o.mp4", "--codec", "prores", *FAST)
    assert code != 0 and "--codec prores is written to .mov .mkv files" in err
    code, _, err = run(capsys, "stylize", plate, "-s", style, "-o", tmp_path / "o.mov", "--codec", "prores", "--pix-fmt", "yuv420p", *FAST)
    assert code != 0 and "--pix-fmt for prores must be one of" in err


def half_black(path, size=(48, 64)):
    """A mask that keeps the left half (black) and stylizes the right half (white)."""
    left = size[1] // 2
    Image.fromarray(np.hstack([np.zeros((size[0], left), np.uint8), np.full((size[0], size[1] - left), 255, np.uint8)])).save(path)
    return path


@pytest.mark.parametrize("engine", ["stylize", "dream"])
def test_a_half_black_mask_on_a_still_leaves_that_half_as_the_input(tmp_path, style, engine):
    content, target = tmp_path / "in.png", tmp_path / "out.png"
    Image.fromarray(np.random.default_rng(3).integers(0, 255, (48, 64, 3), dtype=np.uint8)).save(content)
    output = OutputOptions(mask=str(half_black(tmp_path / "mask.png")))
    if engine == "stylize":
        drain(iter_stylize_file(content, target, [style], StyleOptions(steps=2), output))
    else:
        dream_file(content, target, options=DreamOptions(octaves=1, steps=2, seed=0), output=output)
    before, after = np.asarray(Image.open(content)), np.asarray(Image.open(target))
    assert np.array_equal(after[:, :32], before[:, :32])
    assert np.abs(after[:, 32:].astype(int) - before[:, 32:]).mean() > 2


def test_still_masks_alpha_and_their_errors(tmp_path):
    rgba = np.random.default_rng(4).integers(0, 255, (8, 12, 4), dtype=np.uint8)
    rgba[..., 3] = 255
    rgba[:, :6, 3] = 0
    cv2.imwrite(str(tmp_path / "in.png"), rgba)
    content = read_image(tmp_path / "in.png")
    still = still_with_matte(tmp_path / "in.png", content, "alpha")
    result = matted_still(torch.zeros_like(content), still)
    assert torch.equal(result[..., :6], content[..., :6]) and not result[..., 6:].any()
    assert matted_still(content, None) is content
    cv2.imwrite(str(tmp_path / "rgb.png"), rgba[..., :3])
    with pytest.raises(InputError, match="no alpha channel"):
        still_with_matte(tmp_path / "rgb.png", content, "alpha")
    with pytest.raises(OptionError, match="a still image takes a still mask"):
        still_with_matte(tmp_path / "in.png", content, tmp_path / "m.%04d.png")
    with pytest.raises(OptionError, match="not to a zoom loop"):
        dream_file(tmp_path / "in.png", tmp_path / "zoom.mp4", output=OutputOptions(mask="alpha"))
