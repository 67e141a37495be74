"""The child protocol: the CLI's JSON progress lines are what the runner reads; its last message is the error."""

import sys

from videostyle.batch.runner import _progress, run_child
from videostyle.cli.render import run_with_progress
from videostyle.progress import PROGRESS_ENV, FrameProgress


def _frames():
    for done in range(1, 4):
        yield FrameProgress(done, 3)
    return "result"


def test_json_mode_lines_are_read_by_the_runner(monkeypatch, capsys):
    monkeypatch.setenv(PROGRESS_ENV, "json")
    assert run_with_progress(_frames(), "job", quiet=True) == "result"  # JSON even when quiet
    lines = capsys.readouterr().err.splitlines()
    parsed = [_progress(line + "\n") for line in lines]
    assert [(p["done"], p["total"]) for p in parsed] == [(1, 3), (2, 3), (3, 3)]
    assert _progress("error: something\n") is None and _progress('{"done": 1}\n') is None


def test_child_progress_error_line_and_log(tmp_path):
    script = (
        "import sys, json\n"
        "sys.stderr.write(json.dumps({'videostyle-progress': 1, 'done': 1, 'total': 2, 'fps': 5.0}) + '\\n')\n"
        "sys.stderr.write('a warning\\n')\n"
        "sys.stderr.write('error: out of luck\\n')\n"
        "sys.exit(1)\n"
    )
    seen = []
    outcome = run_child([], tmp_path, tmp_path / "job.log", on_progress=lambda *a: seen.append(a), program=(sys.executable, "-c", script))
    assert outcome.returncode == 1 and outcome.error == "error: out of luck" and outcome.transient
    assert seen == [(1, 2, 5.0)] and outcome.frames == 1
    assert "a warning" in (tmp_path / "job.log").read_text()


def test_a_chunked_jobs_progress_carries_its_chunk_count(tmp_path):
    script = (
        "import sys, json\n"
        "sys.stderr.write(json.dumps({'videostyle-progress': 1, 'done': 1, 'total': 2, 'fps': 5.0, 'chunks': [1, 2]}) + '\\n')\n"
    )
    seen = []
    run_child([], tmp_path, tmp_path / "job.log", on_progress=lambda *a, **k: seen.append((a, k)), program=(sys.executable, "-c", script))
    assert seen == [((1, 2, 5.0), {"chunks": (1, 2)})]
