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


def test_quiet_and_non_terminal_print_nothing(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(render, "stderr", Console(file=out, force_terminal=False))
    with render.ProgressView("x") as view:
        view.update(fake_step(0, 1))
    monkeypatch.setattr(render, "stderr", Console(file=out, force_terminal=True))
    with render.ProgressView("x", quiet=True) as view:
        view.update(fake_step(0, 1))
    assert out.getvalue() == ""
