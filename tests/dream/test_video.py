import torch

from videostyle.dream import FlowCarry
from videostyle.video import FrameStart


class ConstantFlow:
    """An exact flow for a picture that moved ``dx`` pixels right: a(x) = b(x - dx)."""

    def __init__(self, dx: float) -> None:
        self.dx = dx

    def both(self, a, b):
        flow = torch.zeros(1, 2, *a.shape[-2:])
        flow[:, 0] = -self.dx
        return flow, -flow


def texture(h=24, w=32):
    y, x = torch.meshgrid(torch.arange(h, dtype=torch.float32), torch.arange(w, dtype=torch.float32), indexing="ij")
    return (0.5 + 0.2 * torch.sin(x / 3) * torch.cos(y / 4)).expand(1, 3, h, w).clone()


def test_first_frame_has_nothing_to_carry():
    assert FlowCarry(ConstantFlow(0)).start(texture()) == FrameStart()


def test_the_dream_difference_moves_with_the_content_and_occlusions_are_masked():
    prev = texture()
    dreamed = (prev + 0.1 * torch.rand_like(prev)).clamp(0, 1)
    current = torch.roll(prev, 2, -1)  # the picture moved 2 px right (left 2 columns are new)
    carry = FlowCarry(ConstantFlow(2))
    carry.update(prev, dreamed)
    start = carry.start(current)
    init = start.init
    assert start.extra is None and start.rate is None
    expected = current[..., 2:] + (dreamed - prev)[..., :-2]
    assert torch.allclose(init[..., 2:], expected.clamp(0, 1), atol=1e-5)
    assert torch.equal(init[..., :2], current[..., :2])  # came from outside the frame: nothing carried


def test_a_scene_cut_starts_over():
    carry = FlowCarry(ConstantFlow(0))
    carry.update(texture(), texture() + 0.1)
    assert carry.start(torch.zeros(1, 3, 24, 32)) == FrameStart(cut=True)


def test_state_then_restore_carries_the_same_dream():
    prev = texture()
    carry = FlowCarry(ConstantFlow(2))
    carry.update(prev, (prev + 0.1).clamp(0, 1))
    fresh = FlowCarry(ConstantFlow(2))
    fresh.restore(carry.state())
    current = torch.roll(prev, 2, -1)
    assert torch.equal(carry.start(current).init, fresh.start(current).init)
    assert FlowCarry(ConstantFlow(0)).state() == {}
