import numpy as np
import pytest
import torch

from videostyle.feedforward.stabilize import FlowPlanner, Stabilizer, blend, guide, plan, resize_flow
from videostyle.flow import FlowOptions, make_flow


def _image(value: float | torch.Tensor, size=(64, 64)) -> torch.Tensor:
    return (value if isinstance(value, torch.Tensor) else torch.full((3, *size), value))[None]


def _rgb(image: torch.Tensor) -> np.ndarray:
    return image[0].permute(1, 2, 0).mul(255).round().to(torch.uint8).numpy()


class Run:
    """A planner and stabilizer driven one frame at a time, as the pipeline drives them per batch."""

    def __init__(self, strength: float) -> None:
        self.planner = FlowPlanner(FlowOptions(), (64, 64), torch.device("cpu"))
        self.stabilizer = Stabilizer(self.planner, strength, torch.device("cpu"))

    def start(self, content: torch.Tensor):
        self.stabilizer.prepare(self.planner.submit([_rgb(content)]).result(), lambda t: t)
        return self.stabilizer.start(content)

    def step(self, content: torch.Tensor, stylized: torch.Tensor) -> torch.Tensor:
        out = blend(self.start(content), stylized)
        self.stabilizer.update(content, out)
        return out


@pytest.fixture
def run():
    made = []

    def make(strength: float) -> Run:
        made.append(Run(strength))
        return made[-1]

    yield make
    for r in made:
        r.planner.pool.shutdown()


def test_static_scene_blends_in_the_previous_output(run):
    torch.manual_seed(0)
    content = _image(torch.rand(3, 64, 64))
    stabilizer = run(0.75)
    first = stabilizer.step(content, _image(0.2))
    assert torch.equal(first, _image(0.2))  # nothing to blend with yet
    second = stabilizer.step(content, _image(0.8))
    expected = 0.8 + 0.75 * (0.2 - 0.8)  # fully reliable zero flow: mostly the previous frame
    assert abs(float(second.mean()) - expected) < 0.02
    assert second.dtype == torch.float32  # floats end to end: the caller quantizes once


def test_scene_cut_starts_over(run):
    torch.manual_seed(0)
    stabilizer = run(0.75)
    stabilizer.step(_image(torch.rand(3, 64, 64) * 0.3), _image(0.2))
    start = stabilizer.start(_image(0.7 + torch.rand(3, 64, 64) * 0.3))
    assert start.cut and start.init is None
    assert torch.equal(blend(start, _image(0.8)), _image(0.8))


def test_frames_are_blended_one_after_another(run):
    torch.manual_seed(0)
    content = _image(torch.rand(3, 64, 64))
    stabilizer = run(0.5)
    means = [float(stabilizer.step(content, _image(v)).mean()) for v in (0.0, 1.0, 1.0)]
    torch.testing.assert_close(torch.tensor(means), torch.tensor([0.0, 0.5, 0.75]), atol=0.02, rtol=0)


def test_state_then_restore_gives_the_same_next_start(run):
    torch.manual_seed(0)
    content = _image(torch.rand(3, 64, 64))
    stabilizer = run(0.5)
    stabilizer.step(content, _image(0.3))
    fresh = run(0.5)
    fresh.stabilizer.restore(stabilizer.stabilizer.state())
    moved = torch.roll(content, 2, -1)
    a, b = stabilizer.start(moved), fresh.start(moved)
    assert torch.equal(a.init, b.init) and torch.equal(a.rate, b.rate)


def test_a_batch_of_motion_goes_up_in_one_copy(run):
    torch.manual_seed(0)
    content = _image(torch.rand(3, 64, 64))
    r = run(0.5)
    plans = r.planner.submit([_rgb(content)] * 3).result()
    assert [p.motion is None for p in plans] == [True, False, False]
    copies = []
    r.stabilizer.prepare(plans, lambda t: copies.append(t.shape) or t)
    assert copies == [(2, 3, 64, 64)]  # flow dx, dy and reliability of both frames that have a previous one


def test_each_frame_is_made_grey_once(monkeypatch):
    """DIS reads the greys the decode thread made: a frame in two pairs is not converted again."""
    from videostyle.flow import ahead, dis

    calls = []
    real = ahead.gray_uint8
    for module in (ahead, dis):
        monkeypatch.setattr(module, "gray_uint8", lambda image: calls.append(1) or real(image))
    estimator = make_flow("dis")
    guides = [guide(torch.rand(1, 3, 48, 64), estimator) for _ in range(3)]
    plan(estimator, None, guides)
    assert len(calls) == 3


def test_thin_frames_are_padded_for_the_grey_flow():
    estimator = make_flow("dis")
    a, b = (guide(torch.rand(1, 3, 8, 200), estimator) for _ in range(2))
    plans = plan(estimator, a, [b])
    assert plans[0].cut or plans[0].motion.shape == (1, 3, 8, 200)


def test_resize_flow_scales_the_vectors():
    flow = torch.stack([torch.full((10, 20), 2.0), torch.full((10, 20), -1.0)])[None]
    bigger = resize_flow(flow, (30, 40))
    assert bigger.shape == (1, 2, 30, 40)
    torch.testing.assert_close(bigger[0, :, 5, 5], torch.tensor([4.0, -3.0]))


def test_the_flow_thread_keeps_to_one_intra_op_thread_and_leaves_the_callers_alone():
    torch.set_num_threads(2)  # the conftest's fixture puts it back
    with FlowPlanner(FlowOptions(), (32, 32), torch.device("cpu")) as planner:
        assert planner.pool.submit(torch.get_num_threads).result() == 1
    assert torch.get_num_threads() == 2


def test_the_flow_thread_runs_opencv_on_one_thread_beside_a_cpu_network_and_restores_it():
    import cv2

    before = cv2.getNumThreads()
    cv2.setNumThreads(2)
    try:
        with FlowPlanner(FlowOptions(), (32, 32), torch.device("cpu")):
            inside = cv2.getNumThreads()
        assert (inside, cv2.getNumThreads()) == (1, 2)
        with FlowPlanner(FlowOptions(), (32, 32), torch.device("meta")):  # a GPU's network leaves the cores to OpenCV
            assert cv2.getNumThreads() == 2
    finally:
        cv2.setNumThreads(before)
