import pytest
import torch

from videostyle.optim import Jitter, RandomRoll, affine_warp


def ramp(h: int, w: int) -> torch.Tensor:
    """An affine function of the pixel position (bilinear sampling reproduces it exactly)."""
    y, x = torch.meshgrid(torch.arange(h, dtype=torch.float32), torch.arange(w, dtype=torch.float32), indexing="ij")
    return torch.stack([x / w, y / h, 0.3 * x / w + 0.5 * y / h])[None]


def test_identity_is_exact():
    image = torch.rand(1, 3, 9, 14)
    assert torch.allclose(affine_warp(image), image, atol=1e-6)


@pytest.mark.parametrize("angle, k", [(90, 1), (-90, -1), (180, 2), (270, 3)])
def test_quarter_turns_equal_rot90_counter_clockwise(angle, k):
    square = torch.rand(1, 3, 12, 12)
    assert torch.allclose(affine_warp(square, rotate=angle), torch.rot90(square, k, (-2, -1)), atol=1e-5)


def test_half_turn_of_a_non_square_image():
    image = torch.rand(1, 3, 10, 16)
    assert torch.allclose(affine_warp(image, rotate=180), torch.rot90(image, 2, (-2, -1)), atol=1e-5)


def test_zoom_two_magnifies_about_the_centre_exactly():
    h, w = 16, 24
    image = ramp(h, w)
    out = affine_warp(image, zoom=2.0)
    ys, xs = torch.meshgrid(torch.arange(h, dtype=torch.float32), torch.arange(w, dtype=torch.float32), indexing="ij")
    # Output pixel i shows source position (i + 0.5 - size/2) / 2 + size/2 - 0.5.
    src_x, src_y = (xs + 0.5 - w / 2) / 2 + w / 2 - 0.5, (ys + 0.5 - h / 2) / 2 + h / 2 - 0.5
    expected = torch.stack([src_x / w, src_y / h, 0.3 * src_x / w + 0.5 * src_y / h])[None]
    assert torch.allclose(out, expected, atol=1e-5)


def test_zoom_doubles_a_centred_square():
    image = torch.zeros(1, 3, 32, 32)
    image[..., 12:20, 12:20] = 1.0  # 8 px square about the centre
    out = affine_warp(image, zoom=2.0)
    assert out[0, 0, 16].sum() == pytest.approx(16.0, abs=0.51)  # a row through it is 16 px wide
    assert torch.all(out[..., 9:23, 9:23] == 1) and torch.all(out[..., :7, :] == 0)


def test_translate_moves_right_and_down_by_whole_pixels():
    image = torch.rand(1, 3, 12, 16)
    out = affine_warp(image, translate=(3, 2))
    assert torch.allclose(out[..., 2:, 3:], image[..., :-2, :-3], atol=1e-5)


def test_combined_move_is_one_affine_map():
    h, w = 20, 20
    image = ramp(h, w)
    out = affine_warp(image, zoom=1.25, rotate=90, translate=(2, -1))
    # Rotating a ramp by 90° counter-clockwise and zooming about the centre: source = R⁻¹(u - t) / zoom.
    ys, xs = torch.meshgrid(torch.arange(h, dtype=torch.float32), torch.arange(w, dtype=torch.float32), indexing="ij")
    ux, uy = xs + 0.5 - w / 2 - 2, ys + 0.5 - h / 2 + 1
    sx, sy = -uy / 1.25 + w / 2 - 0.5, ux / 1.25 + h / 2 - 0.5
    inside = (sx >= 0) & (sx <= w - 1) & (sy >= 0) & (sy <= h - 1)
    expected = torch.stack([sx / w, sy / h, 0.3 * sx / w + 0.5 * sy / h])[None]
    assert torch.allclose(out[..., inside], expected[..., inside], atol=1e-5)


def test_jitter_is_a_bounded_roll():
    image = torch.rand(1, 3, 10, 10)
    generator = torch.Generator().manual_seed(0)
    assert torch.equal(RandomRoll(0, generator)(image), image)
    jitter = RandomRoll(2, generator)
    for _ in range(5):
        out = jitter(image)
        assert any(torch.equal(out, torch.roll(image, (dy, dx), (-2, -1))) for dy in range(-2, 3) for dx in range(-2, 3))


def test_jitter_shifts_by_whole_pixels_and_does_nothing_when_off() -> None:
    image = torch.rand(1, 3, 16, 20)
    assert Jitter()(image) is image
    shifted = Jitter(shift=3, generator=torch.Generator().manual_seed(5))(image)
    assert shifted.shape == image.shape
    matches = [
        (dy, dx)
        for dy in range(-3, 4)
        for dx in range(-3, 4)
        if torch.allclose(shifted[..., 4:-4, 4:-4], image[..., 4 + dy : 12 + dy, 4 + dx : 16 + dx], atol=1e-5)
    ]
    assert len(matches) == 1  # an exact integer shift inside the borders


def test_jitter_with_scale_and_rotation_keeps_size_and_range() -> None:
    image = torch.rand(2, 3, 24, 40)
    out = Jitter(shift=4, scale=0.2, rotate=15, generator=torch.Generator().manual_seed(0))(image)
    assert out.shape == image.shape and out.min() >= 0 and out.max() <= 1
    assert not torch.allclose(out, image)
