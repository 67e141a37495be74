"""Running batches (with a stand-in CLI, so each job takes milliseconds): journal, skips, retries, kill -9."""

import json
import os
import signal
import subprocess
import sys
import time

from videostyle.batch import JobFinished, JobProgress, read_records
from videostyle.jobs import run
from videostyle.cli.grammar import command, find_param
from videostyle.batch.journal import state_dir
from videostyle.batch.runner import child_argv
from videostyle.batch.validate import WORK_DIR_OPTION

from .conftest import FAKE, calls, write_jobs


def test_done_jobs_are_skipped_and_changed_ones_rerun(inputs, image_jobs):
    path = image_jobs(3)
    events = []
    first = run(path, program=FAKE, on_event=events.append)
    assert [r.state for r in first] == ["done"] * 3 and calls(inputs) == ["j0.png", "j1.png", "j2.png"]
    assert [e.done for e in events if isinstance(e, JobProgress) and e.plan.id == "out/j0.png"] == [1, 2, 3]
    record = read_records(inputs)["out/j1.png"]
    assert record.state == "done" and record.get("size") == (inputs / "out/j1.png").stat().st_size and len(record.get("sha256")) == 64

    assert [r.state for r in run(path, program=FAKE)] == ["skipped"] * 3
    assert len(calls(inputs)) == 3  # no work at all

    (inputs / "out/j2.png").unlink()  # a lost output is made again
    image_jobs(3, size=40)  # and every job whose options changed reruns (with --overwrite: the outputs are ours)
    assert [r.state for r in run(path, program=FAKE)] == ["done"] * 3
    assert calls(inputs)[3:] == ["j0.png", "j1.png", "j2.png"]
    rerun = (inputs / "calls.log").read_text().splitlines()[3:]
    assert all("--size 40" in line for line in rerun)
    assert ["--overwrite" in line for line in rerun] == [True, True, False]  # j2's output was gone


def test_a_failing_job_does_not_sink_the_batch_and_retries_recover(inputs, image_jobs):
    path = image_jobs(3)
    (inputs / "fail-once-j1.png").touch()
    results = run(path, program=FAKE)
    assert [r.state for r in results] == ["done", "failed", "done"]
    assert results[1].error == "error: disk was busy" and results[1].attempts == 1
    assert read_records(inputs)["out/j1.png"].get("error") == "error: disk was busy"

    (inputs / "fail-once-j1.png").touch()
    results = run(path, program=FAKE, retries=2)
    assert [r.state for r in results] == ["skipped", "done", "skipped"] and results[1].attempts == 2


def test_usage_errors_are_not_retried(inputs, image_jobs):
    path = image_jobs(1)
    stub = inputs / "usage.py"
    stub.write_text("import sys\nopen('calls.log', 'a').write('x\\n')\nsys.stderr.write('error: bad usage\\n')\nsys.exit(2)\n")
    [result] = run(path, program=(sys.executable, str(stub)), retries=3)
    assert result.state == "failed" and result.returncode == 2 and result.attempts == 1 and len(calls(inputs)) == 1


def test_gpu_workers_each_see_one_gpu(inputs, image_jobs, monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,1")
    results = run(image_jobs(4), program=FAKE, gpus=2)
    assert [r.state for r in results] == ["done"] * 4
    gpus = [line.split()[1] for line in (inputs / "calls.log").read_text().splitlines()]
    assert sorted(set(gpus)) == ["gpu=0", "gpu=1"]


def test_video_jobs_get_a_work_dir_when_the_command_takes_one(inputs):
    from videostyle.jobs import prepare

    jobs = [
        {"command": "stylize", "input": "clip.mp4", "output": "v.mp4", "style": ["style.png"]},
        {"command": "stylize", "input": "content.png", "output": "i.png", "style": ["style.png"]},
    ]
    _, outdir, (video, image) = prepare(write_jobs(inputs / "jobs.toml", jobs))
    assert find_param(command("stylize"), WORK_DIR_OPTION) is not None
    assert WORK_DIR_OPTION in child_argv(video, outdir, False)
    assert WORK_DIR_OPTION not in child_argv(image, outdir, False)


def test_a_stopped_training_resumes_from_its_checkpoint(inputs):
    from videostyle.jobs import prepare

    jobs = [{"command": "train", "output": "m.safetensors", "style": ["style.png"], "data": ["content.png"]}]
    _, outdir, (train,) = prepare(write_jobs(inputs / "jobs.toml", jobs))
    assert "--resume" not in child_argv(train, outdir, False)
    train.output.with_suffix(".ckpt").write_bytes(b"checkpoint")
    assert "--resume" in child_argv(train, outdir, False)


def test_journal_survives_kill_9_of_the_batch(inputs, image_jobs):
    path = image_jobs(3)
    (inputs / "block").touch()
    script = f"from videostyle.jobs import run; run({str(path)!r}, program={list(FAKE)!r})"
    batch = subprocess.Popen([sys.executable, "-c", script], cwd=inputs, env=os.environ.copy())
    first_started = lambda: calls(inputs) == ["j0.png"]  # noqa: E731 - j0 is running, blocked
    deadline = time.monotonic() + 120
    while not first_started() and time.monotonic() < deadline and batch.poll() is None:
        time.sleep(0.1)
    assert first_started()
    (inputs / "block").unlink()
    os.kill(batch.pid, signal.SIGKILL)  # maybe mid-write of a journal line, maybe while j0 finishes
    batch.wait()
    records = read_records(inputs)
    assert records["out/j0.png"].state in ("running", "done") and records["out/j2.png"].state == "pending"
    with open(state_dir(inputs) / "journal.jsonl", "a") as journal:
        journal.write('{"job": "out/j2.png", "state": "do')  # a torn last line is ignored

    time.sleep(0.3)  # the orphaned child notices its parent is gone and stops
    started_before = len(calls(inputs))
    results = run(path, program=FAKE)
    done_before = {job for job, record in records.items() if record.state == "done"}
    assert {r.job for r in results if r.state == "skipped"} == done_before
    assert all(r.state in ("done", "skipped") for r in results)
    assert sorted(calls(inputs)[started_before:]) == sorted(r.job.removeprefix("out/") for r in results if r.job not in done_before)
    lines = (state_dir(inputs) / "journal.jsonl").read_text().splitlines()
    assert all(json.loads(line)["state"] for line in lines)  # compacted: the torn line is gone


def test_events_end_with_one_finish_per_job(inputs, image_jobs):
    events = []
    run(image_jobs(2), program=FAKE, on_event=events.append)
    finished = [e.result.job for e in events if isinstance(e, JobFinished)]
    assert finished == ["out/j0.png", "out/j1.png"]


def test_ray_executor_without_ray_is_one_line_saying_what_to_install(inputs, image_jobs, monkeypatch, capsys):
    from videostyle.cli import main

    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    assert main(["batch", str(image_jobs(1)), "--executor", "ray"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "error: --executor ray needs Ray: pip install 'videostyle[ray]'"
    assert calls(inputs) == []


def test_status_tells_an_interrupted_job_from_a_running_one(inputs, capsys):
    from videostyle.batch.journal import Journal
    from videostyle.cli import main

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with Journal(inputs) as journal:
        journal.running("a.png", "h", pid=dead.pid)
        journal.running("b.png", "h")  # this process: alive
        journal.write("c.png", "failed", error="error: bad clip", seconds=1.5)
    assert main(["batch", "status", str(inputs)]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines() if line.endswith(".png") or ".png " in line}
    assert f"interrupted (batch pid {dead.pid} is gone)" in lines["a.png"]
    assert f"batch pid {os.getpid()} on" in lines["b.png"] and "error: bad clip" in lines["c.png"]
    assert "0 done, 1 failed, 0 pending, 2 running" in out


