"""Dry run: every job parsed by the real command and checked before any work; all problems at once."""

from videostyle.batch import ManifestError
from videostyle.jobs import prepare
from videostyle.batch.journal import state_dir
from videostyle.cli import main

from .conftest import write_jobs


def _job(output, **options):
    return {"command": "stylize", "input": "content.png", "output": output, "style": ["style.png"], **options}


def test_typo_and_bad_value_in_late_jobs_fail_at_second_zero(inputs, capsys):
    jobs = [_job(f"out/{i}.png") for i in range(6)]
    jobs[4]["stpes"] = 5  # typo'd option name
    jobs[5]["optimizer"] = "sgd"  # bad value
    path = write_jobs(inputs / "jobs.toml", jobs)
    code = main(["batch", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "job 5 (out/4.png)" in err and "--stpes" in err
    assert "job 6 (out/5.png)" in err and "sgd" in err
    assert not state_dir(inputs).exists() and not (inputs / "out").exists()  # nothing ran, nothing written


def test_missing_files_and_kind_mismatch_are_reported(inputs):
    jobs = [
        _job("out/a.png", style=["nostyle.png"]),
        {"command": "stylize", "input": "nothere.mp4", "output": "out/b.mp4", "style": ["style.png"]},
        _job("out/c.mp4"),  # an image cannot become a video by stylize
        {"command": "dream", "input": "content.png", "output": "out/zoom.mp4", "frames": 5},  # but dream zooms
        {"command": "train", "output": "out/model.pt", "style": ["style.png"], "data": ["."]},
    ]
    path = write_jobs(inputs / "jobs.toml", jobs)
    try:
        prepare(path)
    except ManifestError as error:
        problems = error.problems
    assert [p.split(" ")[1] for p in problems] == ["1", "2", "3", "5"]
    assert "nostyle.png does not exist" in problems[0] and "nothere.mp4" in problems[1]
    assert "image" in problems[2] and ".safetensors" in problems[3]


def test_dry_run_shows_the_table_with_estimated_frames(inputs, capsys):
    jobs = [
        _job("out/a.png"),
        {"command": "stylize", "input": "clip.mp4", "output": "out/clip.mp4", "style": ["style.png"]},
        {"command": "dream", "input": "content.png", "output": "out/zoom.mp4", "frames": 7},
        {"command": "stylize", "input": "broken.mp4", "output": "out/broken.mp4", "style": ["style.png"]},
        {"command": "train", "input": "clip.mp4", "output": "out/m.safetensors", "style": ["style.png"], "steps": 5},
    ]
    path = write_jobs(inputs / "jobs.toml", jobs)
    assert main(["batch", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[-2]: line.split()[-1] for line in out.splitlines()[1:6]}
    assert rows == {  # broken: it fails when it runs; train: its steps
        "out/a.png": "1", "out/clip.mp4": "4", "out/zoom.mp4": "7", "out/broken.mp4": "?", "out/m.safetensors": "5",
    }
    assert "5 jobs are valid" in out and not state_dir(inputs).exists()
