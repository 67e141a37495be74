"""A video job killed with SIGKILL and run again with the same --work-dir keeps its finished segments."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from videostyle.media import probe_video
from videostyle.media.segments import job_folder

FPS = Fraction(12)  # 2 s segments of 24 frames


def decoded(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def command(source: Path, style: Path | None, target: Path, work: Path | None, *extra: str) -> list[str]:
    """``style`` None: the styles come in ``extra`` (--style-at)."""
    styles = ["-s", str(style)] if style is not None else []
    args = [sys.executable, "-m", "videostyle", "stylize", str(source), *styles, "-o", str(target),
            "--size", "32", "--steps", "2", "--device", "cpu", "-q", *extra]
    return args + (["--work-dir", str(work)] if work is not None else [])


def child_env() -> dict[str, str]:
    return {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": os.pathsep.join(sys.path)}


@pytest.mark.parametrize("engine", ["optimization", "keyed", "zoom"])
def test_a_killed_video_job_resumes_from_its_last_segment_with_identical_frames(tmp_path, files, engine):
    """``keyed``: style keyframes whose transition (frames 16..32) spans the first segment's end."""
    from PIL import Image

    from tests.conftest import make_clip

    if engine in ("optimization", "keyed"):
        source = make_clip(tmp_path / "in.mp4", size=(64, 48), frames=36, fps=FPS)
        Image.new("RGB", (32, 32), (20, 200, 60)).save(files / "green.png")
        keys = ["--style-at", f"16:{files / 'style.png'}", "--style-at", f"32:{files / 'green.png'}"] if engine == "keyed" else []

        def run(target: Path, work: Path | None) -> list[str]:
            return command(source, None if keys else files / "style.png", target, work, *keys)
    else:
        def run(target: Path, work: Path | None) -> list[str]:
            return [sys.executable, "-m", "videostyle", "dream", str(files / "content.png"), "-o", str(target),
                    "--frames", "36", "--fps", "12", "--size", "32", "--steps", "1", "--octaves", "1",
                    "--seed", "0", "--device", "cpu", "-q"] + (["--work-dir", str(work)] if work is not None else [])

    reference = tmp_path / "reference.mp4"  # uninterrupted, in segments too: the same encoder GOPs
    subprocess.run(run(reference, tmp_path / "ref-work"), env=child_env(), check=True, capture_output=True, timeout=300)

    target, root = tmp_path / "out.mp4", tmp_path / "work"
    work = job_folder(root, target)
    child = subprocess.Popen(run(target, root), env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while not (work / "000000.json").exists():  # the first segment is finished for good
        assert child.poll() is None, child.stderr.read().decode()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait()
    kept = sorted(p.name for p in work.glob("*.json") if p.name != "job.json")
    assert kept and not target.exists()

    again = subprocess.run(run(target, root), env=child_env(), capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    done = 24 * len(kept)
    assert f"resuming after frame {done} of 36" in again.stderr  # the kept segments were not recomputed
    info, expected = probe_video(target), probe_video(reference)
    assert info.frame_count == 36 and info.fps == FPS and info.has_audio == expected.has_audio
    assert all(np.array_equal(a, b) for a, b in zip(decoded(target), decoded(reference), strict=True))
    assert target.read_bytes() == reference.read_bytes(), "a resumed run is bit-identical to an uninterrupted one"
    assert not work.exists() and root.is_dir()


def test_two_identical_segmented_runs_are_bit_identical(tmp_path):
    """The same job twice with --work-dir and --seed gives the same bytes. x264's macroblock tree read
    memory it never wrote, and these very runs differed from the second segment on, every time."""
    samples = Path(__file__).parents[2] / "samples"
    outputs = []
    for run in range(2):
        target = tmp_path / f"run{run}.mp4"
        cmd = command(samples / "clip.mp4", samples / "styles" / "stained_glass.png", target, tmp_path / "work")
        extra = ["--size", "64", "--warm-steps", "1", "--duration", "3", "--seed", "1"]
        subprocess.run([*cmd, *extra], env={**child_env(), "OMP_NUM_THREADS": "2"}, check=True, capture_output=True, timeout=300)
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
