import pytest
import torch

from videostyle.color import PALETTES, carry_moments, match_color, match_mixed, match_tones, rgb_to_yiq


def _luma(image: torch.Tensor) -> torch.Tensor:
    return rgb_to_yiq(image)[0, 0].flatten()


@pytest.fixture(scope="module")
def pale_subject() -> torch.Tensor:
    """A pale disc (luma ~0.9) on a pale, faintly textured ground (~0.85): the case of issue 25."""
    y, x = torch.meshgrid(torch.arange(48), torch.arange(64), indexing="ij")
    ground = 0.85 + 0.01 * torch.sin(x / 3.0) * torch.cos(y / 4.0)
    disc = ((x - 32) ** 2 + (y - 24) ** 2 < 12**2).float()
    gray = ground * (1 - disc) + 0.9 * disc
    return gray.expand(1, 3, -1, -1).contiguous()


@pytest.fixture(scope="module")
def painting() -> torch.Tensor:
    """A dark green-brown 'painting' with a bright yellowish sky band: its tones carry its colors."""
    g = torch.Generator().manual_seed(0)
    base = torch.tensor([0.15, 0.25, 0.12])[:, None, None] + 0.08 * torch.rand(3, 40, 40, generator=g)
    base[:, :10] = torch.tensor([0.9, 0.85, 0.55])[:, None, None]
    return base[None].clamp(0, 1)


def test_tones_keep_the_contents_luminance_order_and_flat_areas(photo, painting):
    out = match_tones(photo, [painting])
    order = _luma(photo).argsort()
    steps = _luma(out)[order].diff()
    assert steps.min() > -0.02  # monotone up to the RGB clamp
    flat = match_tones(torch.full((1, 3, 8, 8), 0.4), [painting])
    assert flat.std((2, 3)).max() < 1e-6


def test_tones_give_a_pale_subject_the_styles_full_contrast(pale_subject, painting):
    y, x = torch.meshgrid(torch.arange(48), torch.arange(64), indexing="ij")
    disc = (x - 32) ** 2 + (y - 24) ** 2 < 10**2
    out = rgb_to_yiq(match_tones(pale_subject, [painting]))[0, 0]
    assert out[disc].mean() - out[~disc].mean() > 0.3  # it was 0.05: the subject is the painting's light, the ground its dark


def test_tones_match_the_styles_palette(photo, painting):
    out = match_tones(photo, [painting])
    quantiles = torch.tensor([0.05, 0.2, 0.35, 0.5, 0.65, 0.85, 0.95])  # not at the jump to the sky (0.75)
    assert (_luma(out).quantile(quantiles) - _luma(painting).quantile(quantiles)).abs().max() < 0.03
    assert (out.mean((2, 3)) - painting.mean((2, 3))).abs().max() < 0.03
    bright = _luma(out) > 0.7  # the painting's light tones are its yellow sky
    assert (out[0].reshape(3, -1)[:, bright].mean(1) - torch.tensor([0.9, 0.85, 0.55])).abs().max() < 0.08


def test_tones_blend_several_styles_by_weight(photo, painting, stripes):
    only = match_tones(photo, [painting, stripes], [1.0, 0.0])
    assert torch.allclose(only, match_tones(photo, [painting]), atol=1e-5)


def test_mixed_is_half_tones_half_linear_and_keeps_a_pale_subject(pale_subject, painting):
    out = match_mixed(pale_subject, [painting])
    assert torch.allclose(out, (match_tones(pale_subject, [painting]) + match_color(pale_subject, [painting])) / 2, atol=1e-6)
    y, x = torch.meshgrid(torch.arange(48), torch.arange(64), indexing="ij")
    disc = (x - 32) ** 2 + (y - 24) ** 2 < 10**2
    luma = rgb_to_yiq(out)[0, 0]
    assert luma[disc].mean() - luma[~disc].mean() > 0.15  # half the tones' 0.3; the linear start alone gave 0.05


def test_palettes_registry_names_the_transfers():
    assert PALETTES == {"mixed": match_mixed, "tones": match_tones, "linear": match_color}


def test_carry_moments_gives_the_targets_mean_and_spread_with_the_images_layout(photo, painting):
    source, target = photo, torch.nn.functional.interpolate(painting, size=photo.shape[-2:])
    carried = carry_moments(photo, source, target)
    assert torch.allclose(carried.mean((-2, -1)), target.mean((-2, -1)), atol=1e-5)
    assert torch.allclose(carried.std((-2, -1)), target.std((-2, -1)), atol=1e-5)
    # one affine map per channel: the image's own structure is kept exactly
    assert torch.corrcoef(torch.stack([carried[0, 0].flatten(), photo[0, 0].flatten()]))[0, 1] > 0.9999
