"""The batch's promises under ordinary mistakes: nothing a user made is replaced, nothing stale is skipped,
every problem is found by the dry run in one line (with a stand-in CLI: each job takes milliseconds)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from videostyle.batch import ManifestError, load_manifest, read_records
from videostyle.jobs import prepare, run
from videostyle.batch.journal import state_dir
from videostyle.batch.sweep import find_media

from .conftest import FAKE, calls, write_jobs


def job(output: str, **options: object) -> dict:
    return {"command": "stylize", "input": "content.png", "output": output, "style": ["style.png"], **options}


def test_a_users_file_at_the_output_of_a_job_that_failed_once_is_not_replaced(inputs):
    path = write_jobs(inputs / "jobs.toml", [job("out/a.png")])
    (inputs / "fail-once-a.png").touch()
    assert [r.state for r in run(path, program=FAKE)] == ["failed"]
    (inputs / "out").mkdir(exist_ok=True)
    (inputs / "out/a.png").write_bytes(b"the user's own picture")
    with pytest.raises(ManifestError, match="already exists and is not the file this batch wrote"):
        run(path, program=FAKE)
    assert (inputs / "out/a.png").read_bytes() == b"the user's own picture"


def test_a_changed_output_is_neither_skipped_nor_replaced(inputs):
    """A done output changed in place (same size, a flipped byte) is not what the batch made."""
    path = write_jobs(inputs / "jobs.toml", [job("out/a.png")])
    run(path, program=FAKE)
    output = inputs / "out/a.png"
    data = bytearray(output.read_bytes())
    data[3] ^= 0xFF
    output.write_bytes(bytes(data))
    with pytest.raises(ManifestError, match="is not the file this batch wrote"):
        run(path, program=FAKE)
    assert output.read_bytes() == bytes(data)
    os.utime(output, ns=(0, 0))
    data[3] ^= 0xFF  # put back exactly: only the time differs, the digest decides, it is skipped again
    output.write_bytes(bytes(data))
    assert [r.state for r in run(path, program=FAKE)] == ["skipped"]


def test_changed_input_or_style_content_reruns_the_job(inputs):
    path = write_jobs(inputs / "jobs.toml", [job("out/a.png"), job("out/b.png", style=["other.png"])])
    (inputs / "other.png").write_bytes((inputs / "style.png").read_bytes())
    assert [r.state for r in run(path, program=FAKE)] == ["done", "done"]
    assert [r.state for r in run(path, program=FAKE)] == ["skipped", "skipped"]
    os.utime(inputs / "style.png", ns=(1, 1))  # touched, same bytes: still done
    assert [r.state for r in run(path, program=FAKE)] == ["skipped", "skipped"]
    data = bytearray((inputs / "style.png").read_bytes())
    data[-1] ^= 1  # same size, other content
    (inputs / "style.png").write_bytes(bytes(data))
    assert [r.state for r in run(path, program=FAKE)] == ["done", "skipped"]
    (inputs / "content.png").write_bytes((inputs / "content.png").read_bytes() + b"\0")
    assert [r.state for r in run(path, program=FAKE)] == ["done", "done"]


@pytest.mark.parametrize("other", ["./out/a.png", "out/sub/../a.png"])
def test_one_output_spelled_two_ways_is_refused(inputs, other):
    path = write_jobs(inputs / "jobs.toml", [job("out/a.png"), job(other, size=40)])
    with pytest.raises(ManifestError, match="both write|appears in 2 jobs"):
        prepare(path)


@pytest.mark.parametrize("output", ["../../x.png", "/tmp/x.png", "."])
def test_outputs_stay_inside_the_output_folder(inputs, output):
    with pytest.raises(ManifestError, match="outside the output folder"):
        prepare(write_jobs(inputs / "jobs.toml", [job(output)]))


def test_outputs_with_similar_names_have_their_own_logs(inputs):
    path = write_jobs(inputs / "jobs.toml", [job("a/b.png"), job("a_b.png")])
    run(path, program=FAKE)
    logs = sorted((state_dir(inputs) / "logs").iterdir())
    assert len(logs) == 2 and all(len(p.read_text().splitlines()) >= 1 for p in logs)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('job = "x"\n', "job must be a list of tables"),
        ('defaults = 5\n[[job]]\ncommand = "stylize"\noutput = "a.png"\n', "defaults must be a table"),
        ('[[job]]\ncommand = "stylize"\ninput = 5\noutput = "a.png"\n', "input must be a file name"),
        ('[[job]]\ncommand = "stylize"\noutput = "a.png"\nsize = {a = 1}\n', "is not an option value"),
    ],
)
def test_manifests_of_the_wrong_shape_are_one_line_errors(tmp_path, toml, message):
    path = tmp_path / "jobs.toml"
    path.write_text(toml)
    with pytest.raises(ManifestError, match=message):
        load_manifest(path)
    result = subprocess.run([sys.executable, "-m", "videostyle", "batch", str(path), "--dry-run"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_a_damaged_journal_line_costs_a_rerun_not_a_traceback(inputs):
    path = write_jobs(inputs / "jobs.toml", [job("out/a.png"), job("out/b.png")])
    run(path, program=FAKE)
    journal = state_dir(inputs) / "journal.jsonl"
    lines = journal.read_bytes().splitlines()
    last_of_a = max(i for i, line in enumerate(lines) if b'"out/a.png"' in line)
    lines[last_of_a] = lines[last_of_a][:5] + b"\xff\xfe" + lines[last_of_a][5:]  # its "done" record
    journal.write_bytes(b"\n".join(lines) + b"\n")
    assert read_records(inputs)["out/a.png"].state == "running" and read_records(inputs)["out/b.png"].state == "done"
    status = subprocess.run([sys.executable, "-m", "videostyle", "batch", "status", str(inputs)], capture_output=True, text=True, timeout=120)
    assert status.returncode == 0 and "Traceback" not in status.stderr
    assert [r.state for r in run(path, program=FAKE)] == ["done", "skipped"]  # its own output: redone, not refused


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"lr": float("nan")}, "--lr must be a finite number, not nan"),
        ({"style-weight": float("inf")}, "--style-weight must be a finite number, not inf"),
        ({"model": "model.safetensors", "steps": 3}, "--steps does not apply here"),
        ({"stabilize": True}, "--stabilize does not apply here"),
    ],
)
def test_the_dry_run_finds_what_would_fail_at_run_time(inputs, options, message):
    if "model" in options:
        options = {**options, "style": []}
    with pytest.raises(ManifestError, match=message):
        prepare(write_jobs(inputs / "jobs.toml", [job("out/a.png", **options)]))


def test_builtin_models_are_names_not_files(inputs):
    jobs = [{"command": "stylize", "input": "content.png", "output": "a.png", "model": "builtin:19"}]
    _, _, (plan,) = prepare(write_jobs(inputs / "jobs.toml", jobs))
    assert "builtin:19" in plan.argv


def test_an_input_named_like_an_option_is_a_file(inputs):
    (inputs / "-dash.png").write_bytes((inputs / "content.png").read_bytes())
    jobs = [{"command": "stylize", "input": "-dash.png", "output": "a.png", "style": ["style.png"]}]
    [result] = run(write_jobs(inputs / "jobs.toml", jobs), program=FAKE)
    assert result.state == "done"
    line = (inputs / "calls.log").read_text()
    assert f"-- {inputs / '-dash.png'}" in line


def test_sweeps_skip_their_own_outputs_and_hidden_files(tmp_path):
    clips = tmp_path / "clips"
    (clips / "out" / ".videostyle" / "work").mkdir(parents=True)
    for name in ("a.png", "out/a__s.png", ".a.123.part.png", "out/.videostyle/work/x.png"):
        (clips / name).write_bytes(b"x")
    found, missing = find_media([clips], frozenset({".png"}), skip=clips / "out")
    assert [rel.as_posix() for _, rel in found] == ["a.png"] and not missing


def test_sweep_styles_with_one_stem_are_refused(tmp_path, inputs):
    styles = tmp_path / "styles"
    (styles / "a").mkdir(parents=True)
    (styles / "b").mkdir()
    for name in ("a/s.png", "b/s.png"):
        (styles / name).write_bytes((inputs / "style.png").read_bytes())
    result = subprocess.run(
        [sys.executable, "-m", "videostyle", "batch", "stylize", str(inputs / "content.png"), "-s", str(styles),
         f"--output={tmp_path / 'out'}", "--dry-run"], capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2 and "both write" in result.stderr and "Traceback" not in result.stderr


def test_a_second_sweep_refused_by_the_lock_leaves_the_first_ones_manifest(tmp_path, inputs):
    from videostyle.batch.journal import Journal
    from videostyle.batch.sweep import sweep_manifest

    out = tmp_path / "out"
    (out / "batch.toml").parent.mkdir(parents=True)
    (out / "batch.toml").write_text("# the running sweep's manifest\n")
    manifest = sweep_manifest([inputs / "content.png"], [inputs / "style.png"], out, {})
    with Journal(out), pytest.raises(Exception, match="another batch is running"):
        run(manifest, out, program=FAKE, save_as=out / "batch.toml")
    assert (out / "batch.toml").read_text() == "# the running sweep's manifest\n"


def test_job_logs_keep_the_childs_order(inputs):
    stub = inputs / "chatty.py"
    stub.write_text(
        "import sys\n"
        "for i in range(50):\n"
        "    (sys.stdout if i % 2 else sys.stderr).write(f'line {i}\\n'); (sys.stdout if i % 2 else sys.stderr).flush()\n"
        "sys.exit(1)\n"
    )
    [result] = run(write_jobs(inputs / "jobs.toml", [job("a.png")]), program=(sys.executable, str(stub)))
    log = next((state_dir(inputs) / "logs").iterdir()).read_text().splitlines()
    assert [line for line in log if line.startswith("line")] == [f"line {i}" for i in range(50)]
    assert result.error == "line 49"


def test_a_job_ends_at_once_when_its_batch_is_killed(inputs):
    """kill -9 of the batch: its job (in a session of its own, so no signal reaches it) notices, stops
    through its normal clean-up, and does not render on for hours."""
    import signal
    import time

    stub = inputs / "long_job.py"
    stub.write_text(
        "import os, sys, time\n"
        "from videostyle.shutdown import exit_with_parent, stop_on_signals\n"
        "with stop_on_signals():\n"
        "    exit_with_parent()\n"
        "    open('job.pid', 'w').write(str(os.getpid()))\n"
        "    try:\n"
        "        time.sleep(120)\n"
        "    except KeyboardInterrupt:\n"
        "        open('cleaned', 'w').write('yes')\n"
        "        sys.exit(143)\n"
    )
    path = write_jobs(inputs / "jobs.toml", [job("a.png")])
    script = f"from videostyle.jobs import run; run({str(path)!r}, program={[sys.executable, str(stub)]!r})"
    batch = subprocess.Popen([sys.executable, "-c", script], cwd=inputs)
    deadline = time.monotonic() + 60
    while not (inputs / "job.pid").exists():
        assert time.monotonic() < deadline and batch.poll() is None
        time.sleep(0.05)
    pid = int((inputs / "job.pid").read_text())
    os.kill(batch.pid, signal.SIGKILL)
    batch.wait()
    deadline = time.monotonic() + 5
    while (inputs / "cleaned").exists() is False and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (inputs / "cleaned").read_text() == "yes"
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for a reaper that this container may not have."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


def test_an_unreachable_ray_head_is_one_line_within_seconds(inputs):
    import socket
    import time

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    path = write_jobs(inputs / "jobs.toml", [job("a.png")])
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "videostyle", "batch", str(path), "--executor", "ray", "--ray-address", f"127.0.0.1:{port}"],
        capture_output=True, text=True, timeout=120,
    )
    assert time.monotonic() - started < 30
    assert result.returncode != 0 and f"cannot reach the Ray head at 127.0.0.1:{port}" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_ctrl_c_at_the_terminal_reaches_the_job_once_through_its_batch(inputs):
    """A terminal's Ctrl-C goes to its whole process group; the job runs in a session of its own, so it
    gets one SIGTERM from its batch and cleans up undisturbed (two signals once left a .part behind)."""
    import signal
    import time

    stub = inputs / "job.py"
    stub.write_text(
        "import signal, time\n"
        "seen = []\n"
        "for s in (signal.SIGINT, signal.SIGTERM):\n"
        "    signal.signal(s, lambda n, f: seen.append(signal.Signals(n).name))\n"
        "open('started', 'w').close()\n"
        "deadline = time.monotonic() + 60\n"
        "while not seen and time.monotonic() < deadline:\n"
        "    time.sleep(0.05)\n"
        "time.sleep(0.5)  # cleaning up; a second signal would arrive now\n"
        "open('signals', 'w').write(' '.join(seen))\n"
    )
    path = write_jobs(inputs / "jobs.toml", [job("a.png")])
    script = (
        "import sys\n"
        "from videostyle.shutdown import stop_on_signals\n"
        "from videostyle.jobs import run\n"
        "with stop_on_signals() as shutdown:\n"
        "    try:\n"
        f"        run({str(path)!r}, program={[sys.executable, str(stub)]!r})\n"
        "    except KeyboardInterrupt:\n"
        "        sys.exit(shutdown.first.exit_code)\n"
    )
    batch = subprocess.Popen([sys.executable, "-c", script], cwd=inputs, start_new_session=True)
    deadline = time.monotonic() + 60
    while not (inputs / "started").exists():
        assert time.monotonic() < deadline and batch.poll() is None
        time.sleep(0.05)
    os.killpg(batch.pid, signal.SIGINT)  # what the terminal does
    assert batch.wait(timeout=30) == 130
    assert (inputs / "signals").read_text() == "SIGTERM"


def test_gpu_workers_take_the_batchs_own_gpus_and_cuda_n_becomes_their_cuda(inputs, monkeypatch):
    from videostyle.batch.local import worker_gpus

    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "2,3")
    assert worker_gpus(2) == ["2", "3"] and worker_gpus(1) == ["2"]
    with pytest.raises(Exception, match=r"--gpus 3: only 2 GPU\(s\) can be used here \(CUDA_VISIBLE_DEVICES=2,3\)"):
        worker_gpus(3)
    path = write_jobs(inputs / "jobs.toml", [job("a.png", device="cuda:1"), job("b.png", device="cpu")])
    results = run(path, program=FAKE, gpus=2)
    assert [r.state for r in results] == ["done", "done"]
    lines = sorted((inputs / "calls.log").read_text().splitlines())
    assert "gpu=2" in lines[0] or "gpu=3" in lines[0]
    assert "--device cuda " in lines[0] + " " and "--device cpu" in lines[1]


def test_ray_asks_for_a_gpu_for_auto_jobs_on_a_gpu_cluster():
    from videostyle.batch.ray_executor import wants_gpu

    assert wants_gpu("auto", cluster_gpus=True) and wants_gpu("cuda:1", cluster_gpus=False)
    assert not wants_gpu("auto", cluster_gpus=False) and not wants_gpu("cpu", cluster_gpus=True)
