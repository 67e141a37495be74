"""The frame driver: order, batches, overlap of the three stages, checkpoints and resume."""

import threading
import time
from fractions import Fraction

import numpy as np
import pytest
import torch

from videostyle.media import Frame
from videostyle.progress import FrameProgress, drain
from videostyle.video import FrameList, FrameWork, PreviousFrame, ResumePoint, clock, iter_video

TB = Fraction(1, 24)


def frames(count: int, delay: float = 0.0):
    for index in range(count):
        time.sleep(delay)
        yield Frame(np.full((2, 3, 3), index, dtype=np.uint8), index, TB)


class Accumulate(FrameWork):
    """Each result is its content plus the previous result (through the prior), mod 256: order matters."""

    def __init__(self, batch: int = 1, delay: float = 0.0) -> None:
        self.batch = batch
        self.delay = delay
        self.seen: list[int] = []

    def run(self, packed, prior):
        yield "step"
        time.sleep(self.delay)
        out = []
        for frame in packed:
            self.seen.append(frame.pts)
            content = torch.from_numpy(frame.rgb).long()
            start = prior.start(content)
            result = content if start.init is None else (content + start.init) % 256
            prior.update(content, result)
            out.append(result.numpy().astype(np.uint8))
        return out


class Recording(FrameList):
    """Keeps frames, and the prior's state after every ``every``-th frame, noting the order of calls."""

    def __init__(self, every: int = 2, delay: float = 0.0) -> None:
        super().__init__()
        self.every = every
        self.delay = delay
        self.calls: list[tuple[str, int]] = []
        self.states: dict[int, dict] = {}
        self.exited_with: object = "open"

    def write(self, frame):
        time.sleep(self.delay)
        super().write(frame)
        self.calls.append(("write", frame.pts))

    def wants_state(self, index):
        return index % self.every == self.every - 1

    def save_state(self, index, state):
        self.calls.append(("state", index))
        self.states[index] = state

    def __exit__(self, exc_type, exc, tb):
        self.exited_with = exc_type


def _threads():
    return [t.name for t in threading.enumerate() if t.name.startswith("videostyle-")]


@pytest.mark.parametrize("batch", [1, 3])
def test_frames_arrive_in_order_with_states_right_after_their_frame(batch):
    sink = Recording(every=2)
    events = list(iter_video(frames(7), Accumulate(batch), sink, PreviousFrame(), total=7))
    assert [f.pts for f in sink.frames] == list(range(7))
    expected = np.cumsum(range(7)) % 256
    assert [int(f.rgb[0, 0, 0]) for f in sink.frames] == list(expected)
    writes_and_states = [c for c in sink.calls]
    for index in (1, 3, 5):
        assert writes_and_states.index(("state", index)) == writes_and_states.index(("write", index)) + 1
        assert int(sink.states[index]["previous"][0, 0, 0]) == expected[index]
    assert [e.done for e in events if e.step is None][-1] == 7 and all(isinstance(e, FrameProgress) for e in events)
    assert {e.step for e in events if e.step is not None} == {"step"}
    assert sink.exited_with is None and _threads() == []


@pytest.mark.parametrize("batch", [1, 3])
def test_a_resumed_run_makes_the_same_remaining_frames_without_recomputing_the_first(batch):
    whole = Recording(every=4)
    drain(iter_video(frames(9), Accumulate(batch), whole, PreviousFrame()))
    rest, work = FrameList(), Accumulate(batch)
    done = drain(iter_video(frames(9), work, rest, PreviousFrame(), resume=ResumePoint(4, whole.states[3])))
    assert done == 9 and work.seen == [4, 5, 6, 7, 8]
    assert [f.pts for f in rest.frames] == [4, 5, 6, 7, 8]
    for a, b in zip(whole.frames[4:], rest.frames):
        assert np.array_equal(a.rgb, b.rgb)


def test_decode_compute_and_encode_overlap():
    delay, count = 0.08, 6
    started = time.perf_counter()
    drain(iter_video(frames(count, delay), Accumulate(delay=delay), Recording(delay=delay), PreviousFrame()))
    wall = time.perf_counter() - started
    serial = 3 * delay * count
    assert wall < 0.7 * serial  # pipelined: about (count + 2) * delay; one after another: 3 * count * delay


def test_an_error_in_the_work_reaches_the_caller_and_closes_the_sink_as_failed():
    class Failing(Accumulate):
        def run(self, packed, prior):
            if packed[0].pts == 2:
                raise RuntimeError("out of memory")
            return (yield from super().run(packed, prior))

    sink = Recording()
    with pytest.raises(RuntimeError, match="out of memory"):
        drain(iter_video(frames(6), Failing(), sink))
    assert sink.exited_with is RuntimeError and _threads() == []


def test_closing_the_generator_stops_every_thread():
    sink = Recording()
    events = iter_video(frames(50, 0.01), Accumulate(), sink)
    next(events)
    events.close()
    assert sink.exited_with is GeneratorExit and _threads() == []


def test_clock_frames_are_timestamps_at_the_rate():
    stamps = [(f.pts, f.time_base, f.rgb.size) for f in clock(3, Fraction(12))]
    assert stamps == [(0, Fraction(1, 12), 0), (1, Fraction(1, 12), 0), (2, Fraction(1, 12), 0)]
