import torch

from videostyle.dream import Motion, Schedule, iter_zoom_loop, parse_schedule
from videostyle.progress import FrameProgress, drain


class Unchanged:
    """A dreamer that changes nothing, to see the camera move alone."""

    def run(self, image, steps=None):
        return image
        yield


def test_each_frame_is_the_previous_one_moved_once():
    y, x = torch.meshgrid(torch.arange(24.0), torch.arange(32.0), indexing="ij")
    start = torch.stack([x / 32, y / 24, torch.full_like(x, 0.5)])[None]
    frames = []
    motion = Motion(zoom=Schedule.constant(1.0), translate=parse_schedule("1,0", 2))
    events = list(iter_zoom_loop(start, Unchanged(), motion, 4, frames.append))
    assert [e.done for e in events if isinstance(e, FrameProgress) and e.step is None] == [1, 2, 3, 4]
    assert len(frames) == 4 and torch.equal(frames[0], start)
    for k, frame in enumerate(frames):
        assert torch.allclose(frame[..., k:], start[..., : 32 - k], atol=1e-5)  # moved k pixels right


def test_parameters_follow_their_schedules():
    motion = Motion(zoom=parse_schedule("1.0:2.0"), rotate=parse_schedule("0:0,2:90"))
    image = torch.rand(1, 3, 16, 16)
    assert torch.equal(motion.apply(image, 0, 3), image)  # zoom 1, no turn: untouched
    turned = motion.apply(image, 2, 3)  # zoom 2 and a quarter turn on the last frame
    expected = Motion(zoom=Schedule.constant(2.0), rotate=Schedule.constant(90.0)).apply(image, 0, 1)
    assert torch.allclose(turned, expected)


def test_the_last_frame_is_returned():
    start = torch.rand(1, 3, 8, 8)
    last = drain(iter_zoom_loop(start, Unchanged(), Motion(zoom=Schedule.constant(1.0)), 3, lambda t: None))
    assert torch.equal(last, start)
