"""A stop reaches the worker threads promptly, even when one is stuck inside a slow item."""

from __future__ import annotations

import threading
import time

import pytest

from videostyle.video.stages import Consumer, Producer
from videostyle.shutdown import STOP_GRACE_S


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
