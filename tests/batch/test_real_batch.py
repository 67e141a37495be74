"""A real batch of six mixed jobs through the CLI (tiny sizes): one broken input fails, the others finish."""

import contextlib
import io

import pytest
from PIL import Image

from videostyle.batch import read_records
from videostyle.jobs import run
from videostyle.cli import main
from videostyle.media import probe_video

from .conftest import FAKE, calls, make_inputs, write_jobs

DEFAULTS = {"device": "cpu", "size": 32, "seed": 0}
JOBS = [
    {"command": "stylize", "input": "content.png", "output": "out/content__style.png", "style": ["style.png"], "steps": 2},
    {"command": "stylize", "input": "clip.mp4", "output": "out/clip__style.mp4", "style": ["style.png"], "steps": 2},
    {"command": "stylize", "input": "clip.mp4", "output": "out/clip__model.mp4", "model": "model.safetensors"},
    {"command": "dream", "input": "content.png", "output": "out/zoom.mp4", "frames": 3, "steps": 1, "octaves": 1},
    {"command": "dream", "input": "content.png", "output": "out/dream.png", "steps": 1, "octaves": 1},
    {"command": "stylize", "input": "broken.mp4", "output": "out/broken__style.mp4", "style": ["style.png"], "steps": 2},
]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Run the six jobs once with the real CLI; (exit code, stdout, stderr, folder, journal right after)."""
    folder = make_inputs(tmp_path_factory.mktemp("real"))
    path = write_jobs(folder / "jobs.toml", JOBS, DEFAULTS)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["batch", str(path)])
    return code, out.getvalue(), err.getvalue(), folder, read_records(folder)


def test_broken_input_fails_alone_and_the_rest_finish(batch):
    code, out, err, folder, _ = batch
    assert code == 3, err
    assert "5 done, 0 skipped, 1 failed" in out
    [failed] = [line for line in err.splitlines() if line.startswith("failed")]
    assert "broken.mp4" in failed and "error:" in failed and "Traceback" not in err
    assert Image.open(folder / "out/content__style.png").size == (32, 21)
    assert Image.open(folder / "out/dream.png").size == (32, 21)
    for name, frames in (("clip__style.mp4", 4), ("clip__model.mp4", 4), ("zoom.mp4", 3)):
        info = probe_video(folder / "out" / name)
        assert info.frame_count == frames and max(info.width, info.height) == 32
    assert probe_video(folder / "out/clip__style.mp4").has_audio


def test_journal_records_every_job(batch):
    *_, folder, _ = batch
    records = read_records(folder)
    assert {job: r.state for job, r in records.items()} == {
        job["output"]: "failed" if "broken" in job["output"] else "done" for job in JOBS
    }
    assert records["out/zoom.mp4"].get("frames") == 3 and records["out/clip__model.mp4"].get("frames") == 4
    assert "broken.mp4" in records["out/broken__style.mp4"].get("error")


def test_status_shows_states_and_times(batch, capsys):
    *_, folder, _ = batch
    assert main(["batch", "status", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "5 done, 1 failed, 0 pending, 0 running" in out
    assert "out/zoom.mp4" in out and "broken.mp4" in out


def test_rerun_does_no_work_and_a_changed_job_reruns(batch):
    *_, folder, _ = batch
    finished = [job for job in JOBS if "broken" not in job["output"]]
    path = write_jobs(folder / "finished.toml", finished, DEFAULTS)  # same jobs, same options, same outputs
    before = read_records(folder)
    assert [r.state for r in run(path, program=FAKE)] == ["skipped"] * 5 and calls(folder) == []
    assert read_records(folder) == before  # not a single state changed

    finished[4] = {**finished[4], "steps": 2}  # one job changed: only it runs (the stand-in CLI does the work)
    results = run(write_jobs(path, finished, DEFAULTS), program=FAKE)
    assert [r.state for r in results] == ["skipped"] * 4 + ["done"] and calls(folder) == ["dream.png"]


def test_batch_table_for_the_report(batch):
    """Not an assertion of speed: prints the table of the real run (pytest -s shows it)."""
    *_, records = batch
    print("\njob | state | frames | seconds")
    for job, record in records.items():
        print(f"{job} | {record.state} | {record.get('frames')} | {record.get('seconds')}")
    assert all(record.get("seconds") is not None for record in records.values())
