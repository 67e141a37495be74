"""A batch killed with SIGKILL in the middle of a video job resumes that job from its last finished segment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from fractions import Fraction

import av
import numpy as np

from videostyle.batch import read_records
from videostyle.media import probe_video

from ..conftest import make_clip
from .conftest import make_inputs, write_jobs

FPS = Fraction(12)  # segments of 24 frames


def frames_of(path):
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def test_a_killed_batch_resumes_its_video_job_without_recomputing_finished_segments(tmp_path):
    folder = make_inputs(tmp_path / "in")
    make_clip(folder / "long.mp4", size=(64, 48), frames=36, fps=FPS)
    job = {"command": "stylize", "input": "long.mp4", "style": ["style.png"], "steps": 2, "size": 32, "seed": 0,
           "device": "cpu"}
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": os.pathsep.join(sys.path)}
    reference = write_jobs(folder / "reference.toml", [{**job, "output": "ref/long.mp4"}])
    subprocess.run([sys.executable, "-m", "videostyle", "batch", str(reference)], env=env, check=True,
                   capture_output=True, timeout=300)

    manifest = write_jobs(folder / "jobs.toml", [{**job, "output": "out/long.mp4"}])
    child = subprocess.Popen([sys.executable, "-m", "videostyle", "batch", str(manifest)], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 240
    while not list((folder / ".videostyle" / "work").glob("*/000000.json")):
        assert child.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(child.pid, signal.SIGKILL)  # the batch and its job process, as a crash or an OOM kill would
    child.wait()
    assert read_records(folder)["out/long.mp4"].state == "running"

    again = subprocess.run([sys.executable, "-m", "videostyle", "batch", str(manifest)], env=env,
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    logs = "".join(p.read_text() for p in (folder / ".videostyle" / "logs").glob("*"))
    assert "resuming after frame 24" in logs  # the finished segment was kept, not computed again
    info = probe_video(folder / "out/long.mp4")
    assert info.frame_count == 36 and info.fps == FPS and info.has_audio
    assert all(np.array_equal(a, b) for a, b in zip(frames_of(folder / "out/long.mp4"), frames_of(folder / "ref/long.mp4"), strict=True))
    assert read_records(folder)["out/long.mp4"].state == "done"
