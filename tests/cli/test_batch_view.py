"""The batch view: a table of jobs with frames, fps and the batch's ETA; one line per finished job off a terminal."""

from rich.console import Console

from videostyle.batch import BatchStarted, JobFinished, JobProgress, JobResult, JobStarted
from videostyle.jobs import prepare
from videostyle.cli.batch_view import BatchView

from ..batch.conftest import make_inputs, write_jobs


def test_table_counts_frames_and_estimates_the_rest(tmp_path, capsys):
    folder = make_inputs(tmp_path)
    jobs = [{"command": "stylize", "input": "clip.mp4", "output": f"o{i}.mp4", "style": ["style.png"]} for i in range(2)]
    _, _, (first, second) = prepare(write_jobs(folder / "jobs.toml", jobs))
    view = BatchView(live_mode=False)
    view(BatchStarted((first, second), ()))
    view(JobStarted(first, 1, "local"))
    view(JobProgress(first, 2, 4, 1.5))
    view.started -= 10  # 2 frames in 10 s: 6 frames left take 30 s
    assert view.eta() == "30 s"
    view(JobFinished(first, JobResult(first.id, "done", str(first.output), 12.0, 4)))
    view(JobFinished(second, JobResult(second.id, "failed", str(second.output), 1.0, None, "error: bad clip")))
    console = Console(width=200, record=True)
    console.print(view.render())
    text = console.export_text()
    assert "o0.mp4" in text and "4/4" in text and "1 done, 0 skipped, 1 failed of 2" in text
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["done    o0.mp4  4 frames  12.0 s", "failed  o1.mp4: error: bad clip"]


def test_a_job_in_chunks_shows_how_many_of_its_chunks_are_done(tmp_path):
    folder = make_inputs(tmp_path)
    _, _, (plan,) = prepare(write_jobs(folder / "jobs.toml", [{"command": "stylize", "input": "clip.mp4", "output": "o.mp4", "style": ["style.png"]}]))
    view = BatchView(live_mode=False)
    view(BatchStarted((plan,), ()))
    view(JobStarted(plan, 1, "local"))
    view(JobProgress(plan, 3, 4, 1.5, chunks=(3, 8)))
    view(JobProgress(plan, 4, 4, 1.5))  # a line without the count keeps the last one
    console = Console(width=200, record=True)
    console.print(view.render())
    assert "running, chunks 3/8 done" in console.export_text()
