import torch

from videostyle.flow import inside_frame, warp


def constant_flow(dx: float, dy: float, h: int, w: int) -> torch.Tensor:
    return torch.tensor([dx, dy]).view(1, 2, 1, 1).expand(1, 2, h, w).contiguous()


def test_integer_translation_is_exact_away_from_borders():
    image = torch.rand(1, 3, 40, 50, generator=torch.Generator().manual_seed(0))
    for mode in ("bilinear", "bicubic"):
        out = warp(image, constant_flow(3, -2, 40, 50), mode=mode)
        # out(y, x) = image(y - 2, x + 3)
        assert torch.allclose(out[..., 2:, :-3], image[..., :-2, 3:], atol=1e-5)


def test_fractional_flow_on_a_linear_ramp_is_exact():
    ys, xs = torch.meshgrid(torch.arange(30.0), torch.arange(40.0), indexing="ij")
    ramp = torch.stack([xs / 40, ys / 30, (xs + ys) / 70])[None]
    out = warp(ramp, constant_flow(0.25, 1.5, 30, 40))
    expected = torch.stack([(xs + 0.25) / 40, (ys + 1.5) / 30, (xs + ys + 1.75) / 70])[None]
    assert torch.allclose(out[..., :-2, :-1], expected[..., :-2, :-1], atol=1e-5)


def test_warping_back_with_the_inverse_flow_restores_the_image():
    image = torch.rand(1, 3, 24, 32, generator=torch.Generator().manual_seed(1))
    there = warp(image, constant_flow(4, 3, 24, 32))
    back = warp(there, constant_flow(-4, -3, 24, 32))
    assert torch.allclose(back[..., 3:, 4:], image[..., 3:, 4:], atol=1e-5)


def test_inside_frame_marks_where_the_flow_leaves_the_picture():
    inside = inside_frame(constant_flow(2, -1, 10, 12))
    assert inside.shape == (1, 1, 10, 12) and inside.dtype == torch.bool
    assert not inside[..., :, -2:].any() and not inside[..., 0, :].any()
    assert inside[..., 1:, :-2].all()


def test_batches_warp_each_image_with_its_own_flow():
    image = torch.rand(2, 3, 16, 16, generator=torch.Generator().manual_seed(2))
    flow = torch.cat([constant_flow(1, 0, 16, 16), constant_flow(0, 2, 16, 16)])
    out = warp(image, flow)
    assert torch.allclose(out[0, :, :, :-1], image[0, :, :, 1:], atol=1e-5)
    assert torch.allclose(out[1, :, :-2], image[1, :, 2:], atol=1e-5)


def test_the_shared_pixel_grid_made_under_inference_mode_serves_autograd_and_stays_unchanged():
    """``sample_positions`` reuses one grid per size; made first under ``inference_mode``, it still serves a warp
    that gradients flow through (the optimizing engines), and nothing writes into it."""
    from videostyle.flow.warp import pixel_grid, sample_positions

    h, w = 7, 11
    flow = torch.full((1, 2, h, w), 0.5)
    with torch.inference_mode():
        assert torch.equal(sample_positions(flow), pixel_grid(h, w, flow.device) + 0.5)
    image = torch.rand(1, 3, h, w, requires_grad=True)
    warp(image, flow).sum().backward()
    assert image.grad is not None and image.grad.abs().sum() > 0
    assert torch.equal(sample_positions(torch.zeros_like(flow)), pixel_grid(h, w, flow.device))
