import torch

from videostyle.feedforward.stabilize import Stabilizer, blend, resize_flow
from videostyle.flow import FlowOptions


def _image(value: float | torch.Tensor, size=(64, 64)) -> torch.Tensor:
    return (value if isinstance(value, torch.Tensor) else torch.full((3, *size), value))[None]


def _step(stabilizer: Stabilizer, content: torch.Tensor, stylized: torch.Tensor) -> torch.Tensor:
    out = blend(stabilizer.start(content), stylized)
    stabilizer.update(content, out)
    return out


def _stabilizer(strength: float) -> Stabilizer:
    return Stabilizer(FlowOptions(), strength=strength, device=torch.device("cpu"))


def test_static_scene_blends_in_the_previous_output():
    torch.manual_seed(0)
    content = _image(torch.rand(3, 64, 64))
    stabilizer = _stabilizer(0.75)
    first = _step(stabilizer, content, _image(0.2))
    assert torch.equal(first, _image(0.2))  # nothing to blend with yet
    second = _step(stabilizer, content, _image(0.8))
    expected = 0.8 + 0.75 * (0.2 - 0.8)  # fully reliable zero flow: mostly the previous frame
    assert abs(float(second.mean()) - expected) < 0.02
    assert second.dtype == torch.float32  # floats end to end: the caller quantizes once


def test_scene_cut_starts_over():
    torch.manual_seed(0)
    stabilizer = _stabilizer(0.75)
    _step(stabilizer, _image(torch.rand(3, 64, 64) * 0.3), _image(0.2))
    start = stabilizer.start(_image(0.7 + torch.rand(3, 64, 64) * 0.3))
    assert start.cut and start.init is None
    assert torch.equal(blend(start, _image(0.8)), _image(0.8))


def test_frames_are_blended_one_after_another():
    torch.manual_seed(0)
    content = _image(torch.rand(3, 64, 64))
    stabilizer = _stabilizer(0.5)
    means = [float(_step(stabilizer, content, _image(v)).mean()) for v in (0.0, 1.0, 1.0)]
    torch.testing.assert_close(torch.tensor(means), torch.tensor([0.0, 0.5, 0.75]), atol=0.02, rtol=0)


def test_state_then_restore_gives_the_same_next_start():
    torch.manual_seed(0)
    content = _image(torch.rand(3, 64, 64))
    stabilizer = _stabilizer(0.5)
    _step(stabilizer, content, _image(0.3))
    fresh = _stabilizer(0.5)
    fresh.restore(stabilizer.state())
    moved = torch.roll(content, 2, -1)
    a, b = stabilizer.start(moved), fresh.start(moved)
    assert torch.equal(a.init, b.init) and torch.equal(a.rate, b.rate)


def test_resize_flow_scales_the_vectors():
    flow = torch.stack([torch.full((10, 20), 2.0), torch.full((10, 20), -1.0)])[None]
    bigger = resize_flow(flow, (30, 40))
    assert bigger.shape == (1, 2, 30, 40)
    torch.testing.assert_close(bigger[0, :, 5, 5], torch.tensor([4.0, -3.0]))
