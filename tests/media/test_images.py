import struct
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from videostyle.errors import InputError, OutputError
from videostyle.media import images
from videostyle.media.images import frame_to_tensor, read_image, tensor_to_frame, write_image


def _pixels(tensor: torch.Tensor) -> np.ndarray:
    assert tensor.dtype == torch.float32 and tensor.dim() == 4 and tensor.shape[:2] == (1, 3)
    assert tensor.min() >= 0.0 and tensor.max() <= 1.0
    return tensor[0].permute(1, 2, 0).numpy()


def test_16_bit_png_keeps_its_precision(tmp_path: Path) -> None:
    values = np.array([[0, 257, 1000], [30000, 50000, 65535]], dtype=np.uint16)
    Image.fromarray(values).save(tmp_path / "deep.png")
    pixels = _pixels(read_image(tmp_path / "deep.png"))
    np.testing.assert_allclose(pixels[..., 0], values / 65535, atol=1e-6)
    np.testing.assert_array_equal(pixels[..., 0], pixels[..., 2])


def test_grayscale_becomes_three_equal_channels(tmp_path: Path) -> None:
    Image.fromarray(np.array([[0, 128, 255]], dtype=np.uint8)).save(tmp_path / "gray.png")
    pixels = _pixels(read_image(tmp_path / "gray.png"))
    np.testing.assert_allclose(pixels[0, :, 1], [0, 128 / 255, 1], atol=1e-6)
    np.testing.assert_array_equal(pixels[..., 0], pixels[..., 1])


@pytest.mark.parametrize("mode", ["RGBA", "LA"])
def test_transparency_is_composited_on_white(tmp_path: Path, mode: str) -> None:
    rgba = np.array([[[0, 0, 0, 0], [0, 0, 0, 255], [0, 0, 0, 128]]], dtype=np.uint8)
    Image.fromarray(rgba).convert(mode).save(tmp_path / "alpha.png")
    pixels = _pixels(read_image(tmp_path / "alpha.png"))
    np.testing.assert_allclose(pixels[0, :, 0], [1.0, 0.0, 127 / 255], atol=1 / 255)


def test_palette_with_transparent_index(tmp_path: Path) -> None:
    im = Image.new("P", (2, 1))
    im.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    im.putpixel((0, 0), 0)
    im.putpixel((1, 0), 1)
    im.save(tmp_path / "pal.png", transparency=1)
    pixels = _pixels(read_image(tmp_path / "pal.png"))
    np.testing.assert_allclose(pixels[0], [[1, 0, 0], [1, 1, 1]])


def test_palette_round_trip(tmp_path: Path) -> None:
    rgb = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 20, 30]]], dtype=np.uint8)
    Image.fromarray(rgb).quantize(colors=4).save(tmp_path / "pal.gif")
    np.testing.assert_allclose(_pixels(read_image(tmp_path / "pal.gif")), rgb / 255, atol=1e-6)


def test_cmyk(tmp_path: Path) -> None:
    cmyk = np.array([[[255, 0, 0, 0], [0, 0, 0, 255], [0, 0, 0, 0]]], dtype=np.uint8)
    Image.fromarray(cmyk, mode="CMYK").save(tmp_path / "print.tif")
    pixels = _pixels(read_image(tmp_path / "print.tif"))
    np.testing.assert_allclose(pixels[0], [[0, 1, 1], [0, 0, 0], [1, 1, 1]], atol=1e-6)


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    rgb = np.zeros((20, 40, 3), dtype=np.uint8)
    rgb[:5, :5] = 255  # marker top-left as stored
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 clockwise to display"
    Image.fromarray(rgb).save(tmp_path / "phone.jpg", exif=exif, quality=100)
    pixels = _pixels(read_image(tmp_path / "phone.jpg"))
    assert pixels.shape == (40, 20, 3)
    assert pixels[:5, -5:].mean() > 0.9 and pixels[:5, :5].mean() < 0.1  # now top-right


@pytest.mark.parametrize(
    "content",
    [b"", b"not an image at all", np.random.default_rng(0).bytes(4096), b"\x89PNG\r\n\x1a\n" + b"\0" * 40],
    ids=["empty", "text", "garbage", "png-magic-only"],
)
def test_broken_files_raise_input_error(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "bad.png").write_bytes(content)
    with pytest.raises(InputError, match=r"bad\.png"):
        read_image(tmp_path / "bad.png")


def test_truncated_image(tmp_path: Path) -> None:
    noise = np.random.default_rng(1).integers(0, 255, (64, 64, 3), dtype=np.uint8)
    Image.fromarray(noise).save(tmp_path / "full.png")
    data = (tmp_path / "full.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=r"cut\.png"):
        read_image(tmp_path / "cut.png")


def test_missing_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        read_image(tmp_path / "nope.png")
    with pytest.raises(InputError, match="folder"):
        read_image(tmp_path)


def _bmp_header(width: int, height: int) -> bytes:
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, 0, 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 54 + len(info), 0, 0, 54) + info


def test_decompression_bomb_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bomb.bmp").write_bytes(_bmp_header(40_000, 40_000))
    with pytest.raises(InputError, match=r"bomb\.bmp"):
        read_image(tmp_path / "bomb.bmp")


def test_pixel_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Image.new("RGB", (20, 10)).save(tmp_path / "big.png")
    monkeypatch.setattr(images, "MAX_PIXELS", 100)
    with pytest.raises(InputError, match="20x10"):
        read_image(tmp_path / "big.png")


def test_zero_width_image(tmp_path: Path) -> None:
    (tmp_path / "flat.bmp").write_bytes(_bmp_header(0, 10))
    with pytest.raises(InputError, match=r"flat\.bmp"):
        read_image(tmp_path / "flat.bmp")


def test_write_and_read_back(tmp_path: Path) -> None:
    image = torch.rand(1, 3, 12, 16)
    write_image(image, tmp_path / "out.png")
    np.testing.assert_allclose(read_image(tmp_path / "out.png").numpy(), image.numpy(), atol=0.5 / 255 + 1e-6)
    write_image(image[0], tmp_path / "out.jpg")
    assert read_image(tmp_path / "out.jpg").shape == (1, 3, 12, 16)
    assert not [p for p in tmp_path.iterdir() if ".part" in p.name]


def test_write_refuses_existing_file_and_unknown_extension(tmp_path: Path) -> None:
    (tmp_path / "out.png").write_bytes(b"keep")
    with pytest.raises(OutputError, match="exists"):
        write_image(torch.zeros(1, 3, 2, 2), tmp_path / "out.png")
    assert (tmp_path / "out.png").read_bytes() == b"keep"
    write_image(torch.zeros(1, 3, 2, 2), tmp_path / "out.png", overwrite=True)
    assert read_image(tmp_path / "out.png").shape == (1, 3, 2, 2)
    with pytest.raises(OutputError, match="xyz"):
        write_image(torch.zeros(1, 3, 2, 2), tmp_path / "out.xyz")


def test_frame_tensor_conversions_round_and_clamp() -> None:
    frame = np.arange(4 * 5 * 3, dtype=np.uint8).reshape(4, 5, 3)
    tensor = frame_to_tensor(frame)
    assert tensor.shape == (1, 3, 4, 5) and tensor.dtype == torch.float32
    np.testing.assert_array_equal(tensor_to_frame(tensor), frame)
    odd = torch.tensor([1.2, -0.1, 0.5, 0.5 / 255 + 1e-4]).reshape(1, 1, 4).expand(3, 1, 4)
    assert tensor_to_frame(odd)[0, :, 0].tolist() == [255, 0, 128, 1]
