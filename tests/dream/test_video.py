import numpy as np
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


def test_flow_planned_ahead_dreams_the_same_video_as_flow_on_demand(moving_clip, tmp_path, lite0):
    """iter_dream_file plans the flow on the decode and flow threads; on the CPU the frames equal a
    prior that works the flow out when asked, a scene cut included."""
    from videostyle.dream import DreamOptions
    from videostyle.dream.dreamer import Dreamer
    from videostyle.dream.run import iter_dream_video
    from videostyle.flow import make_flow
    from videostyle.flow.ahead import FlowsAhead
    from videostyle.progress import drain
    from videostyle.video import FrameList

    source = moving_clip(frames=4, size=(64, 48), cut_at=3)
    outputs = []
    for flows in (FlowsAhead(make_flow("dis")), make_flow("dis")):
        dreamer = Dreamer(DreamOptions(octaves=1, steps=2, seed=0), "cpu", backbone=lite0)
        sink = FrameList()
        drain(iter_dream_video(source, tmp_path / "o.mp4", dreamer, FlowCarry(flows), 1, sink=sink))
        outputs.append([f.rgb for f in sink.frames])
    assert len(outputs[0]) == 4 and all(np.array_equal(a, b) for a, b in zip(*outputs, strict=True))
