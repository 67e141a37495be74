import io

import torch
from rich.console import Console

from videostyle.cli import render
from videostyle.optim import PixelImage, Step
from videostyle.progress import FrameProgress


def fake_step(index: int, total: int) -> Step:
    return Step(index, total, PixelImage(torch.zeros(1, 3, 2, 2)), torch.tensor(1.5), {"style": torch.tensor(1.25)})


def test_frames_bar_shows_count_rate_and_losses(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(render, "stderr", Console(file=out, force_terminal=True, width=200))
    with render.ProgressView("stylize clip.mp4") as view:
        view.update(FrameProgress(0, 3, fake_step(4, 5)))
        for done in (1, 2, 3):
            view.update(FrameProgress(done, 3))
    text = out.getvalue()
    assert "3/3" in text and "fps" in text and "style 1.25" in text and "{task" not in text


def test_quiet_prints_nothing(monkeypatch):
    out = io.StringIO()
    for terminal in (True, False):
        monkeypatch.setattr(render, "stderr", Console(file=out, force_terminal=terminal))
        with render.ProgressView("x", quiet=True) as view:
            view.update(fake_step(0, 1))
            view.update(FrameProgress(1, 1))
    assert out.getvalue() == ""


def test_a_log_file_gets_plain_lines_with_rate_and_eta(monkeypatch):
    """A render logged to a file said nothing for minutes; now a line every so often and at the end."""
    out = io.StringIO()
    monkeypatch.setattr(render, "stderr", Console(file=out, force_terminal=False, width=80))
    clock = iter([0.0, 12.0, 13.0, 30.0, 0.0, 2.0])
    monkeypatch.setattr(render.time, "monotonic", lambda: next(clock))
    with render.ProgressView("stylize clip.mp4") as view:
        view.update(FrameProgress(0, 4, fake_step(0, 5)))  # steps inside a frame: no line
        view.update(FrameProgress(1, 4))  # 12 s: due
        view.update(FrameProgress(2, 4))  # 13 s: too soon
        view.update(FrameProgress(4, 4))  # the end: always
    with render.ProgressView("quick.png") as view:  # done in 2 s: nothing to say
        view.update(FrameProgress(1, 1))
    lines = out.getvalue().splitlines()
    estimates = [line for line in lines if line.startswith("expected: about")]
    assert len(estimates) == 1 and "for 4 frames" in estimates[0]  # once, after the first two frames
    assert [line for line in lines if line not in estimates] == [
        "stylize clip.mp4: 1/4 frames, 0.08 frames/s, elapsed 0:12, ETA 0:36",
        "stylize clip.mp4: 4/4 frames, 0.13 frames/s, elapsed 0:30",
    ]


def test_a_run_stopped_while_the_view_draws_closes_the_generator_at_once(monkeypatch):
    """A signal can land while the view draws, outside the library's generator: the generator is closed there
    and then (its temporaries removed), not when the exception's reference cycle is collected, which the console
    script's exit skips (``gc.freeze``)."""
    import gc

    import pytest

    cleaned: list[str] = []

    def job():
        try:
            yield FrameProgress(1, 3)
            yield FrameProgress(2, 3)
        finally:
            cleaned.append("temporaries removed")

    def interrupted(self, event):
        raise KeyboardInterrupt

    monkeypatch.setattr(render.ProgressView, "update", interrupted)
    gc.disable()
    try:
        with pytest.raises(KeyboardInterrupt) as stopped:  # kept, as the CLI's exception cycle keeps it
            render.run_with_progress(job(), "stylize", quiet=True)
        assert cleaned == ["temporaries removed"] and stopped.value is not None
    finally:
        gc.enable()
