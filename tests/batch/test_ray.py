"""The Ray executor on a local Ray instance: same journal, retries after a killed child or a killed worker."""

import pytest

from videostyle.batch import read_records
from videostyle.jobs import run

from .conftest import FAKE, calls

from ..conftest import in_own_process

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.own_process  # each test in a fresh process: Ray's threads outlive ray.shutdown


@pytest.fixture(scope="module")
def local_ray():
    if not in_own_process():  # the parent only hands the test to its child
        yield
        return
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def test_ray_batch_retries_killed_child_and_worker_and_a_local_run_resumes_it(local_ray, inputs, image_jobs):
    path = image_jobs(3)
    (inputs / "kill-once").touch()  # one job's child process is SIGKILLed mid-job
    (inputs / "kill-parent-once").touch()  # one job's Ray worker process is SIGKILLed mid-job
    results = run(path, executor="ray", retries=2, program=FAKE)
    assert [r.state for r in results] == ["done"] * 3, [r.error for r in results]
    assert not (inputs / "kill-once").exists() and not (inputs / "kill-parent-once").exists()
    assert len(calls(inputs)) == 5  # three jobs, two of them started twice
    assert all(record.state == "done" for record in read_records(inputs).values())
    assert [r.state for r in run(path, program=FAKE)] == ["skipped"] * 3  # the local executor resumes a Ray run


def test_ray_batch_reports_a_failure_after_its_retries(local_ray, inputs, image_jobs):
    path = image_jobs(2)
    (inputs / "fail-once-j0.png").touch()
    results = run(path, executor="ray", retries=0, program=FAKE)
    assert [r.state for r in results] == ["failed", "done"]
    assert results[0].error == "error: disk was busy"


def test_sigterm_stops_a_ray_batch_cleanly(inputs, image_jobs):
    """Ray installs its own SIGTERM handler (a C++ stack dump, exit 134); the batch keeps its own."""
    import signal
    import subprocess
    import sys
    import time

    path = image_jobs(1)
    (inputs / "block").touch()
    script = (
        "import sys\n"
        "from videostyle.shutdown import stop_on_signals\n"
        "from videostyle.jobs import run\n"
        "with stop_on_signals() as shutdown:\n"  # as videostyle.cli.main does
        "    try:\n"
        f"        run({str(path)!r}, executor='ray', program={list(FAKE)!r})\n"
        "    except KeyboardInterrupt:\n"
        "        sys.exit(shutdown.first.exit_code)\n"
    )
    batch = subprocess.Popen([sys.executable, "-c", script], cwd=inputs, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not calls(inputs):
        assert time.monotonic() < deadline and batch.poll() is None, batch.communicate()
        time.sleep(0.1)
    batch.send_signal(signal.SIGTERM)
    _, err = batch.communicate(timeout=60)
    assert batch.returncode == 143, err
    assert "Traceback" not in err and "*** " not in err
    assert not list(inputs.rglob("*.part*"))


def test_a_stopped_head_cancels_its_ray_chunk_tasks(local_ray, inputs, monkeypatch):
    """Ctrl-C in the head of a chunked render: the tasks in flight are cancelled, the cluster is free again."""
    import _thread
    import threading
    import time

    from videostyle.batch.chunks import iter_render_chunks
    from videostyle.video import OutputOptions

    from ..conftest import make_clip

    source = make_clip(inputs / "long.mp4", frames=100, fps=24, audio=False)  # 3 segments: 2 chunks
    target = inputs / "out.mp4"
    argv = ["stylize", "-o", str(target), "--", str(source)]
    monkeypatch.chdir(inputs)  # the fake CLI blocks there on the marker file, and logs its starts
    (inputs / "block").touch()

    rendering = threading.Event()

    def stop_when_both_run() -> None:
        deadline = time.monotonic() + 60
        while len(calls(inputs)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        if rendering.is_set():  # never into pytest itself once the render has ended some other way
            _thread.interrupt_main()  # as Ctrl-C does

    rendering.set()
    threading.Thread(target=stop_when_both_run, daemon=True).start()
    try:
        with pytest.raises(KeyboardInterrupt):
            try:
                for _ in iter_render_chunks(argv, source, target, OutputOptions(work_dir=inputs / "work"), workers=2, executor="ray", program=FAKE):
                    pass
            finally:
                rendering.clear()
        assert len(calls(inputs)) == 2
        deadline = time.monotonic() + 30
        while ray.available_resources().get("CPU", 0) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert ray.available_resources().get("CPU", 0) == 2, "the blocked chunk tasks still hold their CPUs"
    finally:
        (inputs / "block").unlink()
