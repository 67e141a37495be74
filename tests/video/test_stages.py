import os
import sys
import threading
import time

import pytest

from videostyle.shutdown import STOP_GRACE_S
from videostyle.video.stages import BACKGROUND_NICENESS, Consumer, Producer


def _workers() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("test-")]


def test_producer_delivers_in_order_and_joins():
    with Producer(range(20), 2, "test-producer") as items:
        assert list(items) == list(range(20))
    assert _workers() == []


def test_producer_error_reaches_the_consumer_after_the_items_before_it():
    def broken():
        yield 1
        yield 2
        raise ValueError("damaged input")

    seen = []
    with pytest.raises(ValueError, match="damaged input"), Producer(broken(), 1, "test-producer") as items:
        seen.extend(items)
    assert seen == [1, 2] and _workers() == []


def test_consumer_stopping_early_stops_and_closes_the_producer():
    closed = threading.Event()

    def endless():
        try:
            n = 0
            while True:
                yield n
                n += 1
        finally:
            closed.set()

    with Producer(endless(), 2, "test-producer") as items:
        for item in items:
            if item == 3:
                break
    assert closed.is_set() and _workers() == []


def test_consumer_handles_everything_in_order():
    handled = []
    with Consumer(handled.append, 2, "test-consumer") as sink:
        for i in range(10):
            sink.put(i)
        sink.finish()
    assert handled == list(range(10)) and _workers() == []


def test_consumer_failure_is_raised_on_the_callers_thread():
    def handle(item):
        if item == 3:
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"), Consumer(handle, 1, "test-consumer") as sink:
        for i in range(100):
            sink.put(i)
        sink.finish()
    assert _workers() == []


def test_leaving_with_an_error_drops_queued_work_and_joins():
    handled = []

    def slow(item):
        time.sleep(0.01)
        handled.append(item)

    with pytest.raises(KeyboardInterrupt), Consumer(slow, 4, "test-consumer") as sink:
        for i in range(6):
            sink.put(i)
        raise KeyboardInterrupt
    assert len(handled) < 6 and _workers() == []

def test_a_producer_stuck_in_a_slow_item_does_not_hold_up_the_stop():
    release = threading.Event()

    def stuck():
        yield 1
        release.wait(60)  # a decode that takes a minute
        yield 2

    began = time.monotonic()
    with pytest.raises(KeyboardInterrupt), Producer(stuck(), 1, "test-stuck") as items:
        for _ in items:
            raise KeyboardInterrupt
    waited = time.monotonic() - began
    release.set()
    assert waited < STOP_GRACE_S + 2


def test_a_consumer_drops_queued_items_on_a_stop_and_finishes_only_the_current_one():
    handled = []

    def slow(item: int) -> None:
        time.sleep(0.2)
        handled.append(item)

    with pytest.raises(KeyboardInterrupt), Consumer(slow, 10, "test-slow") as sink:
        for item in range(10):
            sink.put(item)
        raise KeyboardInterrupt
    assert len(handled) <= 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread priority is Linux's")
def test_a_background_consumer_runs_below_the_callers_priority():
    """The encoder must yield its core to the network's OpenMP workers (issue 23), not the other way round."""
    seen: list[int] = []
    caller = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def handle(_: int) -> None:
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    for background in (True, False):
        with Consumer(handle, 2, "test", background=background) as consumer:
            consumer.put(1)
            consumer.finish()
    assert seen == [min(19, caller + BACKGROUND_NICENESS), caller]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == caller  # the caller's thread keeps its own


def test_a_producer_can_keep_its_tensor_work_to_one_thread_and_leaves_the_callers_alone():
    import torch

    torch.set_num_threads(2)  # the conftest's fixture puts it back

    def counts():
        yield torch.get_num_threads()

    for threads in (1, 3):
        with Producer(counts(), 1, "test-producer", threads=threads) as items:
            assert list(items) == [threads]
    assert torch.get_num_threads() == 2
