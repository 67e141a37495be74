"""Manifest jobs of issue 21: style keyframes and --loop through `videostyle batch`, run for real (tiny sizes)."""

import contextlib
import io

import pytest
from PIL import Image

from videostyle.batch import ManifestError, read_records
from videostyle.jobs import prepare, run
from videostyle.cli import main
from videostyle.media import probe_video

from .conftest import FAKE, calls, make_inputs, write_jobs

DEFAULTS = {"device": "cpu", "size": 32, "seed": 0, "steps": 1}


def _jobs(second_key: str = "3") -> list[dict]:
    return [
        {"command": "stylize", "input": "clip.mp4", "output": "out/keyed.mp4", "style-at": ["0:style.png", f"{second_key}:green.png"], "ease": "smooth"},
        {"command": "stylize", "input": "clip.mp4", "output": "out/loop.mp4", "style": ["style.png"], "loop": True},
    ]


def test_keyframed_and_looped_jobs_run_and_a_changed_keyframe_reruns(tmp_path):
    folder = make_inputs(tmp_path / "in")
    Image.new("RGB", (32, 32), (20, 200, 60)).save(folder / "green.png")
    path = write_jobs(folder / "jobs.toml", _jobs(), DEFAULTS)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["batch", str(path)])
    assert code == 0, err.getvalue()
    assert [probe_video(folder / "out" / name).frame_count for name in ("keyed.mp4", "loop.mp4")] == [4, 4]
    assert sorted(r.state for r in read_records(folder).values()) == ["done", "done"]

    assert [r.state for r in run(path, program=FAKE)] == ["skipped", "skipped"] and calls(folder) == []
    Image.new("RGB", (32, 32), (20, 220, 60)).save(folder / "green.png")  # a keyed style file changed: that job reruns
    assert [r.state for r in run(path, program=FAKE)] == ["done", "skipped"] and calls(folder) == ["keyed.mp4"]
    assert [r.state for r in run(write_jobs(path, _jobs("2"), DEFAULTS), program=FAKE)] == ["done", "skipped"]


def test_a_missing_keyed_style_is_found_before_the_first_job_starts(tmp_path):
    folder = make_inputs(tmp_path / "in")
    with pytest.raises(ManifestError, match="green.png does not exist"):
        prepare(write_jobs(folder / "jobs.toml", _jobs(), DEFAULTS))


def test_a_zoom_loop_in_a_manifest_runs_whole(tmp_path):
    """A loop renders in one chain and refuses --work-dir, so the batch does not make it resumable."""
    folder = make_inputs(tmp_path / "in")
    job = {"command": "dream", "input": "style.png", "output": "out/loop.mp4", "loop": True, "frames": 8,
           "octaves": 1, "steps": 1, "zoom": "1.05"}
    path = write_jobs(folder / "jobs.toml", [job], DEFAULTS | {"steps": 1})
    _, _, plans = prepare(path)
    assert not plans[0].resumable
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["batch", str(path)])
    assert code == 0, err.getvalue()
    assert probe_video(folder / "out" / "loop.mp4").frame_count == 8
