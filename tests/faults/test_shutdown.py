import signal

import pytest

from videostyle.shutdown import SIGNALS, Stopped, stop_on_signals


def test_handlers_are_put_back_after_a_block_that_was_not_stopped():
    before = {s: signal.getsignal(s) for s in SIGNALS}
    with stop_on_signals():
        assert all(signal.getsignal(s) is not before[s] for s in SIGNALS)
    assert {s: signal.getsignal(s) for s in SIGNALS} == before


def test_after_a_stop_a_late_second_signal_is_ignored_not_fatal():
    """Python's exit puts back the default action of signals it handles, which would kill the leaving process
    with the signal (-15, not 143): after the stop's cleanup the signals are ignored instead."""
    before = {s: signal.getsignal(s) for s in SIGNALS}
    try:
        with pytest.raises(Stopped), stop_on_signals() as shutdown:
            signal.raise_signal(signal.SIGHUP)
        assert shutdown.first is not None and shutdown.first.exit_code == 129
        assert all(signal.getsignal(s) is signal.SIG_IGN for s in SIGNALS)
        signal.raise_signal(signal.SIGTERM)  # ignored: this process goes on
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
