"""Flow planned ahead (decode thread: content and grey; flow thread: pairs, masks, cut test) equals flow on demand."""

from __future__ import annotations

import threading

import numpy as np
import torch

from videostyle.flow import carry, make_flow
from videostyle.flow.ahead import ContentFlows, FlowsAhead
from videostyle.media import frame_to_tensor

from ..conftest import moving_frame


def frames(count: int, size=(96, 64), cut_at: int | None = None) -> list[torch.Tensor]:
    out = []
    for index in range(count):
        rgb = moving_frame(index, size)
        if cut_at is not None and index >= cut_at:
            rgb = np.ascontiguousarray(rgb[::-1, ::-1] // 3)
        out.append(frame_to_tensor(rgb))
    return out


def test_planned_pairs_equal_pairs_on_demand_and_run_on_the_flow_thread():
    contents = frames(5, cut_at=4)
    estimator = make_flow("dis")  # not the planner's: an OpenCV DIS object is not safe to share between threads
    threads = set()
    with FlowsAhead(make_flow("dis"), back=(1, 2)) as ahead:
        real = ahead._pair
        ahead._pair = lambda *a: threads.add(threading.current_thread().name) or real(*a)  # type: ignore[method-assign]
        for content in contents:
            ahead.submit(content)
        for t, content in enumerate(contents):
            ahead.begin()
            for back in (1, 2):
                if back > t:
                    continue
                planned = ahead.carry(content, contents[t - back], back)
                exact = carry(estimator, content, contents[t - back])
                for field in ("flow", "occluded", "reliable", "tracked"):
                    assert torch.equal(getattr(planned, field), getattr(exact, field)), (t, back, field)
                if back == 1:  # the cut test ran ahead for the nearest pair only
                    assert planned.cut == exact.is_cut(contents[t - 1], content) == (t == 4)
                else:
                    assert planned.cut is None
    assert threads and all(name.startswith("videostyle-flow") for name in threads)


def test_an_unplanned_pair_is_worked_out_on_demand():
    a, b = frames(2)
    estimator = make_flow("dis")
    with FlowsAhead(make_flow("dis")) as ahead:
        ahead.submit(b)  # the frame before it was never submitted (a resumed job)
        ahead.begin()
        got = ahead.carry(b, a)
    assert torch.equal(got.flow, carry(estimator, b, a).flow)
    plain = ContentFlows(make_flow("dis"))
    plain.begin()
    assert torch.equal(plain.carry(b, a).flow, got.flow)


def test_a_pair_moves_to_the_device_in_one_copy():
    pair = carry(make_flow("dis"), *frames(2))
    moved = pair.to(torch.device("meta"))
    assert moved.flow.shape == pair.flow.shape and moved.occluded.dtype == torch.bool
    assert moved.reliable.device.type == "meta" and pair.to(torch.device("cpu")) is pair


def test_each_frames_histograms_are_made_once_though_it_is_in_two_pairs(monkeypatch):
    """The cut test compares colour histograms of a pair's two frames; a frame is the later of one pair and the
    earlier of the next, so planning a clip makes its histograms once per frame, and decides as from the images."""
    import videostyle.flow.ahead as ahead_module
    from videostyle.flow.scene_cut import histograms

    made = []
    monkeypatch.setattr(ahead_module, "histograms", lambda image: made.append(image) or histograms(image))
    contents = frames(6)
    estimator = make_flow("dis")
    with FlowsAhead(make_flow("dis")) as ahead:
        for content in contents:
            ahead.submit(content)
        for t, content in enumerate(contents):
            ahead.begin()
            if t:
                planned = ahead.carry(content, contents[t - 1])
                assert planned.cut is False and planned.cut == carry(estimator, content, contents[t - 1]).is_cut(contents[t - 1], content)
    assert len(made) == len(contents)  # not 2 per pair
