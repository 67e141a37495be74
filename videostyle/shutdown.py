"""One shutdown path for SIGINT, SIGTERM and SIGHUP.

A scheduler, ``timeout`` or a closed terminal sends SIGTERM or SIGHUP, whose default action ends the
process at once and leaves temporary files behind. Inside :func:`stop_on_signals` all three signals
raise :class:`Stopped` (a KeyboardInterrupt) in the main thread instead, so every ``with`` block on
the way out removes its temporary files and joins its threads, exactly as for Ctrl-C. A second
signal while that cleanup runs ends the process at once, quietly, with the first signal's exit code
(anything it could not remove carries the owner's pid and is removed by the next run); one after it
is ignored.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
NAMES = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated", signal.SIGHUP: "hung up"}


class Stopped(KeyboardInterrupt):
    """Raised in the main thread when a stop signal arrives; ``exit_code`` is 128 + the signal number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def reason(self) -> str:
        return NAMES.get(signal.Signals(self.signum), f"signal {self.signum}")


class Shutdown:
    """Remembers the first stop signal; :func:`stop_on_signals` yields it so the caller can report it."""

    def __init__(self) -> None:
        self.first: Stopped | None = None

    def handle(self, signum: int, frame: FrameType | None) -> None:
        if self.first is not None:  # second signal during cleanup: stop now, quietly, with the same code
            os._exit(self.first.exit_code)
        self.first = Stopped(signum)
        raise self.first


@contextlib.contextmanager
def stop_on_signals() -> Iterator[Shutdown]:
    """Turn SIGINT/SIGTERM/SIGHUP into :class:`Stopped` while the block runs (main thread only)."""
    shutdown = Shutdown()
    if threading.current_thread() is not threading.main_thread():
        yield shutdown
        return
    previous = {signum: signal.signal(signum, shutdown.handle) for signum in SIGNALS}
    try:
        yield shutdown
    finally:
        if shutdown.first is None:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        else:  # the cleanup is done and the process leaves with the first signal's code: a late second one
            for signum in SIGNALS:  # changes nothing (Python's exit would put back the default action, which kills)
                signal.signal(signum, signal.SIG_IGN)


PARENT_ENV = "VIDEOSTYLE_PARENT_PID"
"""Set by a batch for its children: the pid whose death (kill -9 of the batch) stops the child."""
PARENT_POLL_S = 0.2


def exit_with_parent(environ: dict[str, str] | os._Environ[str] = os.environ) -> threading.Thread | None:
    """Stop this process (SIGTERM, so it cleans up as for any stop) as soon as the process named by
    ``VIDEOSTYLE_PARENT_PID`` is gone. A child of a batch killed with SIGKILL would otherwise render on
    for hours with nobody to read its output; it runs in a session of its own, so no signal reaches it."""
    try:
        parent = int(environ.get(PARENT_ENV, ""))
    except ValueError:
        return None

    def watch() -> None:
        while os.getppid() == parent:
            threading.Event().wait(PARENT_POLL_S)
        os.kill(os.getpid(), signal.SIGTERM)

    thread = threading.Thread(target=watch, name="videostyle-parent-watch", daemon=True)
    thread.start()
    return thread


STOP_GRACE_S = 1.5  # how long a stopping run waits for a worker thread stuck inside one item


def join_promptly(thread: threading.Thread, grace: float = STOP_GRACE_S) -> bool:
    """Join ``thread``, but give up after ``grace`` seconds when it is stuck in a long call.

    For daemon threads that own what they touch (a decoder and its file): one stuck in a slow
    decode must not hold up a stop; it ends with the process. Returns whether it ended.
    """
    thread.join(grace)
    return not thread.is_alive()
