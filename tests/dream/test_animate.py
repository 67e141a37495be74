import torch

from videostyle.dream import Motion, Schedule, iter_zoom_loop, parse_schedule
from videostyle.media import frame_to_tensor
from videostyle.progress import FrameProgress, drain
from videostyle.timeline import Moment
from videostyle.video import FrameList, ResumePoint


class Unchanged:
    """A dreamer that changes nothing, to see the camera move alone."""

    generator = torch.Generator()

    def run(self, image, steps=None):
        return image
        yield


def test_each_frame_is_the_previous_one_moved_once():
    y, x = torch.meshgrid(torch.arange(24.0), torch.arange(32.0), indexing="ij")
    start = torch.stack([x / 32, y / 24, torch.full_like(x, 0.5)])[None]
    sink = FrameList()
    motion = Motion(zoom=Schedule.constant(1.0), translate=parse_schedule("1,0", 2))
    events = list(iter_zoom_loop(start, Unchanged(), motion, 4, sink))
    assert [e.done for e in events if isinstance(e, FrameProgress) and e.step is None] == [1, 2, 3, 4]
    frames = [frame_to_tensor(f.rgb) for f in sink.frames]
    assert len(frames) == 4 and [f.pts for f in sink.frames] == [0, 1, 2, 3]
    for k, frame in enumerate(frames):
        assert torch.allclose(frame[..., k:], start[..., : 32 - k], atol=0.5 / 255 + 1e-6)  # moved k pixels right


def test_parameters_follow_their_schedules():
    motion = Motion(zoom=parse_schedule("1.0:2.0"), rotate=parse_schedule("0:0,2:90"))
    image = torch.rand(1, 3, 16, 16)
    assert torch.equal(motion.apply(image, Moment.of_frame(0, 3)), image)  # zoom 1, no turn: untouched
    turned = motion.apply(image, Moment.of_frame(2, 3))  # zoom 2 and a quarter turn on the last frame
    expected = Motion(zoom=Schedule.constant(2.0), rotate=Schedule.constant(90.0)).apply(image, Moment.of_frame(0, 1))
    assert torch.allclose(turned, expected)


class Saving(FrameList):
    """Keeps the loop's state after frame 1, as a segmenting sink would."""

    def wants_state(self, index):
        return index == 1

    def save_state(self, index, state):
        self.state = state


def test_a_resumed_loop_continues_from_the_saved_frame():
    start = torch.rand(1, 3, 16, 16)
    motion = Motion(zoom=Schedule.constant(1.1), rotate=Schedule.constant(3.0))
    whole = Saving()
    assert drain(iter_zoom_loop(start, Unchanged(), motion, 4, whole)) == 4
    rest = FrameList()
    drain(iter_zoom_loop(start, Unchanged(), motion, 4, rest, resume=ResumePoint(2, whole.state)))
    assert [f.pts for f in rest.frames] == [2, 3]
    for a, b in zip(whole.frames[2:], rest.frames):
        assert (a.rgb == b.rgb).all()
