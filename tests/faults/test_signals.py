"""SIGINT, SIGTERM and SIGHUP sent to a real run mid-video: one line, exit 128 + N, nothing left over.

Also a run killed with SIGKILL: its temporaries stay, named for its pid, and the next run on the
same output removes them. These start real processes (seconds each), so they are few.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import make_clip

from .conftest import leftovers

STARTUP_S = 120  # a busy machine can take this long to import torch and reach the first frame


def start(*args: object, cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.Popen(
        [sys.executable, "-m", "videostyle", *map(str, args)],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def wait_for_temporary(process: subprocess.Popen[str], folder: Path, marker: str) -> None:
    """Block until the run has a temporary whose name holds ``marker`` (it is mid-video)."""
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if any(marker in name for name in leftovers(folder)):
            return
        if process.poll() is not None:
            pytest.fail(f"the run ended before it was signalled: {process.communicate()[1]}")
        time.sleep(0.05)
    process.kill()
    pytest.fail("the run never started writing")


@pytest.fixture
def long_clip(tmp_path: Path) -> Path:
    return make_clip(tmp_path / "long.mp4", size=(32, 32), frames=400, audio=False)


def _stop(process: subprocess.Popen[str], signum: int, twice: bool = False) -> tuple[int, str]:
    process.send_signal(signum)
    if twice:
        time.sleep(0.01)
        if process.poll() is None:
            process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    return process.returncode, err


def said(err: str) -> list[str]:
    """stderr's lines, less the run's own notes (the preset it chose, its time estimate)."""
    return [line for line in err.strip().splitlines() if not line.startswith(("quality:", "expected: about"))]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_model_run_stops_cleanly_on_each_signal(tmp_path, long_clip, tiny_model, signum):
    process = start("stylize", long_clip, "--model", tiny_model, "-o", "out.mp4", "--device", "cpu", cwd=tmp_path)
    wait_for_temporary(process, tmp_path, ".part.mp4")
    code, err = _stop(process, signum)
    assert code == 128 + signum
    assert "Traceback" not in err and len(said(err)) == 1, err
    assert not (tmp_path / "out.mp4").exists() and leftovers(tmp_path) == []


@pytest.mark.parametrize(("passes", "signum", "marker"), [(1, signal.SIGHUP, ".part.mp4"), (2, signal.SIGTERM, ".part-passes")])
def test_optimization_stops_cleanly_and_removes_the_pass_folder(tmp_path, long_clip, style_png, passes, signum, marker):
    process = start(
        "stylize", long_clip, "-s", style_png, "-o", "out.mp4", "--device", "cpu", "--steps", "1",
        "--passes", str(passes), "--size", "32", cwd=tmp_path,
    )
    wait_for_temporary(process, tmp_path, marker)
    code, err = _stop(process, signum)
    assert code == 128 + signum and "Traceback" not in err and len(said(err)) == 1, err
    assert leftovers(tmp_path) == [] and not (tmp_path / "out.mp4").exists()


def test_dream_second_signal_during_cleanup_ends_quietly_with_the_same_code(tmp_path, long_clip):
    process = start(
        "dream", long_clip, "-o", "out.mp4", "--device", "cpu", "--size", "32", "--octaves", "1",
        "--steps", "1", cwd=tmp_path,
    )
    wait_for_temporary(process, tmp_path, ".part.mp4")
    code, err = _stop(process, signal.SIGTERM, twice=True)
    assert code == 143 and "Traceback" not in err and "KeyboardInterrupt" not in err, err


def test_kill_9_leftovers_are_removed_by_the_next_run(tmp_path, long_clip, tiny_model):
    process = start("stylize", long_clip, "--model", tiny_model, "-o", "out.mp4", "--device", "cpu", cwd=tmp_path)
    wait_for_temporary(process, tmp_path, ".part.mp4")
    process.kill()
    process.communicate(timeout=60)
    stale = leftovers(tmp_path)
    assert stale and all(f".{process.pid}." in name for name in stale)
    short = make_clip(tmp_path / "short.mp4", size=(32, 32), frames=3, audio=False)
    again = start("stylize", short, "--model", tiny_model, "-o", "out.mp4", "--device", "cpu", cwd=tmp_path)
    _, err = again.communicate(timeout=STARTUP_S)
    assert again.returncode == 0, err
    assert leftovers(tmp_path) == [] and (tmp_path / "out.mp4").is_file()
