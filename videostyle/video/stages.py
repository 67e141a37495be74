"""Pipeline stages on background threads, linked to the caller by bounded queues.

Decoding, GPU work and encoding overlap when each runs on its own thread (FFmpeg and PyTorch
release the GIL in their heavy parts). Queues are bounded so a fast stage cannot pile up frames in
memory. A failure on a worker thread is re-raised on the caller's thread, and leaving a stage's
``with`` block (normally, by an error, or by the caller's generator being closed) stops and joins
its thread, so no thread is left hanging.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Generic, TypeVar

from ..shutdown import join_promptly

T = TypeVar("T")
_END = object()
_POLL_S = 0.05  # how often a blocked put or get looks whether the other side stopped
BACKGROUND_NICENESS = 10


def run_in_background() -> None:
    """Lower the calling thread's scheduling priority (Linux; elsewhere nothing happens).

    On a CPU the network's OpenMP workers wait at a barrier for each other after every layer, so a
    worker pushed off its core by the encoder stalls the whole team; at a lower priority the encoder
    fills the gaps instead (issue 23, 2 cores, 384x216: 7.2 s instead of 7.9 s for 280 frames). Threads
    the calling thread starts later (x264's) inherit it. The decoder and the flow thread feed the
    network and keep their priority (lowered, they made it wait).
    """
    if sys.platform.startswith("linux"):  # where PRIO_PROCESS of a thread id means that thread alone
        thread = threading.get_native_id()
        try:
            os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + BACKGROUND_NICENESS))
        except OSError:  # not permitted in some sandboxes: only speed is lost
            pass


class Producer(Generic[T]):
    """Iterates ``items`` on a thread; the caller iterates the Producer to receive them in order."""

    def __init__(self, items: Iterable[T], capacity: int, name: str, threads: int | None = None) -> None:
        """``threads``: torch's intra-op threads on this thread (None: torch's default). A decoder's small
        tensor operations on one thread no longer wait at OpenMP barriers for cores the caller's network
        holds (as the flow thread's; issue 23: --stabilize at 384x216 8.98 -> 8.81 s, plain 7.60 -> 7.41 s)."""
        self._items = items
        self._threads = threads
        self._queue: queue.Queue[object] = queue.Queue(maxsize=max(1, capacity))
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def __enter__(self) -> Producer[T]:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        join_promptly(self._thread)  # a decode stuck in one slow item must not hold up a stop

    def __iter__(self) -> Iterator[T]:
        while True:
            item = self._queue.get()
            if item is _END:
                if self._error is not None:
                    raise self._error
                return
            yield item  # type: ignore[misc]

    def _run(self) -> None:
        if self._threads is not None:
            import torch

            torch.set_num_threads(self._threads)
        try:
            iterator = iter(self._items)
            try:
                for item in iterator:
                    if not self._put(item):
                        return
            finally:
                close = getattr(iterator, "close", None)
                if close is not None:
                    close()  # a generator holding an open file closes it here, on its own thread
        except BaseException as exc:  # handed to the consumer's thread, which re-raises it
            self._error = exc
        finally:
            self._put(_END)

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False


class Consumer(Generic[T]):
    """Runs ``handle(item)`` on a thread for every item the caller ``put``s, in order.

    ``finish()`` waits until everything is handled and re-raises a failure; leaving the ``with``
    block without ``finish()`` (an error upstream) drops what is still queued.
    """

    def __init__(self, handle: Callable[[T], None], capacity: int, name: str, background: bool = False) -> None:
        """``background``: run ``handle`` at a lower priority than the caller's (see ``run_in_background``)."""
        self._handle = handle
        self._background = background
        self._queue: queue.Queue[object] = queue.Queue(maxsize=max(1, capacity))
        self._cancel = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def __enter__(self) -> Consumer[T]:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._thread.is_alive():
            self._cancel.set()
            self._offer(_END)
            self._thread.join()

    def put(self, item: T) -> None:
        self._raise_failure()
        self._offer(item)
        self._raise_failure()

    def finish(self) -> None:
        self._offer(_END)
        self._thread.join()
        self._raise_failure()

    def _offer(self, item: object) -> None:
        while self._thread.is_alive():
            try:
                self._queue.put(item, timeout=_POLL_S)
                return
            except queue.Full:
                continue

    def _raise_failure(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        if self._background:
            run_in_background()
        while True:
            item = self._queue.get()
            if item is _END or self._cancel.is_set():
                return
            try:
                self._handle(item)  # type: ignore[arg-type]
            except BaseException as exc:  # handed to the caller's thread at its next put/finish
                self._error = exc
                return
