import torch

from videostyle.feedforward.stabilize import Stabilizer, resize_flow


def _pixels(value: float | torch.Tensor, size=(64, 64)) -> torch.Tensor:
    image = value if isinstance(value, torch.Tensor) else torch.full((3, *size), value)
    return image.permute(1, 2, 0).mul(255).round().to(torch.uint8)[None]


def test_static_scene_blends_in_the_previous_output():
    torch.manual_seed(0)
    content = _pixels(torch.rand(3, 64, 64))
    stabilizer = Stabilizer("dis", strength=0.75, device=torch.device("cpu"))
    first = stabilizer(content, _pixels(0.2))
    assert first.float().mean() == 51  # nothing to blend with yet
    second = stabilizer(content, _pixels(0.8))
    expected = 0.8 + 0.75 * (0.2 - 0.8)  # fully reliable zero flow: mostly the previous frame
    assert abs(second.float().mean() / 255 - expected) < 0.02


def test_scene_cut_starts_over():
    torch.manual_seed(0)
    stabilizer = Stabilizer("dis", strength=0.75, device=torch.device("cpu"))
    stabilizer(_pixels(torch.rand(3, 64, 64) * 0.3), _pixels(0.2))
    after_cut = stabilizer(_pixels(0.7 + torch.rand(3, 64, 64) * 0.3), _pixels(0.8))
    assert torch.equal(after_cut, _pixels(0.8))


def test_a_batch_is_blended_frame_after_frame():
    torch.manual_seed(0)
    content = _pixels(torch.rand(3, 64, 64)).expand(3, -1, -1, -1)
    stylized = torch.cat([_pixels(0.0), _pixels(1.0), _pixels(1.0)])
    out = Stabilizer("dis", strength=0.5, device=torch.device("cpu"))(content, stylized).float().mean(dim=(1, 2, 3)) / 255
    torch.testing.assert_close(out, torch.tensor([0.0, 0.5, 0.75]), atol=0.02, rtol=0)


def test_resize_flow_scales_the_vectors():
    flow = torch.stack([torch.full((10, 20), 2.0), torch.full((10, 20), -1.0)])[None]
    bigger = resize_flow(flow, (30, 40))
    assert bigger.shape == (1, 2, 30, 40)
    torch.testing.assert_close(bigger[0, :, 5, 5], torch.tensor([4.0, -3.0]))
