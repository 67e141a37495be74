import torch

from videostyle.optim.pyramid import PyramidImage


def test_pyramid_starts_at_the_init_and_projects_into_range():
    init = torch.rand(1, 3, 20, 30)
    p = PyramidImage(init, levels=3)
    assert torch.allclose(p(), init)
    assert [tuple(o.shape[-2:]) for o in p.offsets] == [(20, 30), (10, 15), (5, 8)]
    with torch.no_grad():
        p.offsets[2].fill_(2.0)
    p.project()
    image = p()
    assert image.min() >= 0 and image.max() <= 1 + 1e-6


def test_a_coarse_step_moves_a_smooth_patch():
    p = PyramidImage(torch.full((1, 3, 16, 16), 0.5), levels=3)
    with torch.no_grad():
        p.offsets[2][..., 1, 1] = 0.1
    delta = p() - 0.5
    assert (delta > 0).sum() > 16  # one coarse parameter reaches many pixels, smoothly


def test_a_per_pixel_rate_scales_each_pixels_steps_and_projection_keeps_the_range():
    rate = torch.ones(1, 1, 8, 8)
    rate[..., :4] = 0.1  # the left half: pixels carried over reliably, which should settle slowly
    p = PyramidImage(torch.full((1, 3, 8, 8), 0.5), levels=2, rate=rate)
    with torch.no_grad():
        p.offsets[0].fill_(0.2)
    delta = p() - 0.5
    assert torch.allclose(delta[..., 4:], torch.tensor(0.2))
    assert torch.allclose(delta[..., :4], torch.tensor(0.1 * 0.2))
    with torch.no_grad():
        p.offsets[1].fill_(10.0)
    p.project()
    assert p().min() >= 0 and p().max() <= 1 + 1e-6
