"""Still image jobs keep their alpha and depth: RGBA in, RGBA out with the alpha untouched; 16-bit stays 16-bit."""

import sys

import cv2
import numpy as np
import pytest
from PIL import Image

from tests.cli import run
from videostyle.errors import OptionError
from videostyle.media.exr import MISSING, read_exr, write_exr

FAST = ["--steps", "2", "--quiet", "--device", "cpu", "--size", "32"]
H, W = 24, 32


@pytest.fixture
def style(tmp_path):
    Image.fromarray(np.random.default_rng(1).integers(0, 255, (32, 32, 3), dtype=np.uint8)).save(tmp_path / "style.png")
    return tmp_path / "style.png"


def ramp_alpha(dtype, top):
    alpha = np.tile(np.linspace(0, top, W).astype(dtype), (H, 1))
    alpha[:, :4] = 0  # fully transparent: kept as the input
    return alpha


def bgra(path):
    return cv2.imread(str(path), cv2.IMREAD_UNCHANGED)


@pytest.mark.parametrize(("ext", "dtype", "top"), [(".png", np.uint8, 255), (".tif", np.uint16, 65535)])
def test_rgba_still_keeps_its_alpha_and_depth(tmp_path, capsys, style, ext, dtype, top):
    rng = np.random.default_rng(0)
    color = (rng.random((H, W, 3)) * top).astype(dtype)
    source = tmp_path / f"in{ext}"
    assert cv2.imwrite(str(source), np.concatenate([color, ramp_alpha(dtype, top)[..., None]], axis=2))
    code, _, err = run(capsys, "stylize", source, "-s", style, "-o", tmp_path / f"out{ext}", *FAST)
    assert code == 0, err
    before, after = bgra(source), bgra(tmp_path / f"out{ext}")
    assert after.dtype == dtype and after.shape == (H, W, 4)
    assert np.array_equal(after[..., 3], before[..., 3])  # alpha bit for bit
    assert np.array_equal(after[:, :4], before[:, :4])  # transparent pixels: the input
    assert np.abs(after[:, 8:, :3].astype(float) - before[:, 8:, :3]).mean() > 0.02 * top  # the rest: stylized


def test_a_sixteen_bit_still_stays_sixteen_bit(tmp_path, capsys, style):
    ramp = np.tile(np.linspace(0, 65535, W).round().astype(np.uint16), (H, 1))
    gradient = np.stack([ramp, ramp[:, ::-1], np.full_like(ramp, 30000)], axis=2)
    assert cv2.imwrite(str(tmp_path / "in.png"), gradient)
    code, _, err = run(capsys, "stylize", tmp_path / "in.png", "-s", style, "-o", tmp_path / "out.png", *FAST)
    assert code == 0, err
    out = bgra(tmp_path / "out.png")
    assert out.dtype == np.uint16 and out.shape == (H, W, 3)
    assert (out % 257 != 0).any()  # values between the 8-bit steps


def test_exr_still_keeps_alpha_and_float_values(tmp_path, capsys, style):
    rgb = (np.random.default_rng(2).random((H, W, 3)) * 0.8).astype(np.float16)
    alpha = ramp_alpha(np.float16, 1.0)
    write_exr(tmp_path / "in.exr", rgb, alpha)
    code, _, err = run(capsys, "stylize", tmp_path / "in.exr", "-s", style, "-o", tmp_path / "out.exr", *FAST)
    assert code == 0, err
    rgb_out, alpha_out = read_exr(tmp_path / "out.exr")
    assert alpha_out.dtype == np.float16 and np.array_equal(alpha_out, alpha)
    assert np.array_equal(rgb_out[:, :4], rgb[:, :4])
    steps = rgb_out[:, 8:].astype(np.float64) * 255
    assert np.abs(steps - steps.round()).max() > 0.01


def test_without_the_exr_extra_an_exr_job_fails_in_one_line(tmp_path, capsys, style, monkeypatch):
    write_exr(tmp_path / "in.exr", np.zeros((H, W, 3), np.float16), None)
    monkeypatch.setitem(sys.modules, "OpenEXR", None)  # `import OpenEXR` now raises ImportError
    with pytest.raises(OptionError, match="exr extra"):
        read_exr(tmp_path / "in.exr")
    for source, target in (("in.exr", "out.png"), ("in.png", "out.exr")):
        Image.new("RGB", (W, H)).save(tmp_path / "in.png")
        code, _, err = run(capsys, "stylize", tmp_path / source, "-s", style, "-o", tmp_path / target, *FAST)
        assert code != 0 and MISSING in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
        assert not (tmp_path / target).exists()


def test_the_missing_exr_extra_is_found_before_any_work(tmp_path, monkeypatch):
    from videostyle.video.still_job import open_still

    Image.new("RGB", (W, H)).save(tmp_path / "in.png")
    monkeypatch.setitem(sys.modules, "OpenEXR", None)
    with pytest.raises(OptionError, match="exr extra"):
        open_still(tmp_path / "in.png", tmp_path / "out.exr", None)
