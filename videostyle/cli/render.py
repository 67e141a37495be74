"""Render the library's progress events on stderr: a rich bar on a terminal, otherwise (a log file, a
pipe) a plain line every ``PLAIN_EVERY_S`` seconds and at the end, so a logged render shows where it is.

With ``VIDEOSTYLE_PROGRESS=json`` in the environment (set by ``videostyle batch`` for its child processes)
each event is instead one JSON object per line on stderr, for a parent process to read.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Generator
from contextlib import closing
from types import TracebackType
from typing import TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Column
from rich.text import Text

from ..progress import JSON_TAG, PROGRESS_ENV, FrameProgress, Iteration, LoopClosure, Resumed

stderr = Console(stderr=True)
T = TypeVar("T")


class RateColumn(ProgressColumn):
    """Items per second in the task's unit (fps or it/s); rich's task.speed is None until it has samples."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        unit = task.fields.get("unit", "")
        return Text("--" if speed is None else f"{speed:.2f} {unit}", style="progress.data.speed")


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class PlainProgress:
    """Progress as plain lines for logs: done/total, rate, elapsed and ETA, every so often, and at the end
    of a run that said anything before (a run shorter than ``every`` stays silent, as on a terminal's exit)."""

    def __init__(self, label: str, every: float) -> None:
        self.label, self.every = label, every
        self.started = time.monotonic()
        self.last = self.started
        self.kept = 0  # frames a resumed job did not compute: not part of its rate

    def show(self, done: int, total: int | None, unit: str) -> None:
        now = time.monotonic()
        finished = done == total and self.last > self.started
        if now - self.last < self.every and not finished:
            return
        self.last = now
        elapsed = now - self.started
        rate = (done - self.kept) / elapsed if elapsed > 0 else 0.0
        parts = [f"{self.label}: {done}/{total if total is not None else '?'} {unit}", f"{rate:.2f} {unit}/s",
                 f"elapsed {_clock(elapsed)}"]
        if total is not None and rate > 0 and done < total:
            parts.append(f"ETA {_clock((total - done) / rate)}")
        stderr.print(", ".join(parts), highlight=False, soft_wrap=True, markup=False)


def _duration(seconds: float) -> str:
    """'about 5 min 40 s' style: whole seconds under a minute, then minutes and seconds, then hours and minutes."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


class Estimate:
    """One line with the expected total time, said once the work has been measured: a video after its
    first two frames (a first frame costs more than the flow-carried ones after it), a still after a few
    steps. It is said on a terminal and in a log alike."""

    STEPS_MEASURED = 5

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.said = False
        self.times: list[float] = []

    def frames(self, done: int, kept: int, total: int | None) -> str | None:
        """After each finished frame (``kept``: frames a resumed job did not compute)."""
        if self.said or total is None:
            return None
        self.times.append(time.perf_counter())
        if len(self.times) < 2 or done >= total:
            return None
        self.said = True
        first, second = self.times[0] - self.started, self.times[1] - self.times[0]
        rest = total - done
        return (f"expected: about {_duration(self.times[1] - self.started + rest * second)} for {total - kept} frames "
                f"(the first took {first:.1f} s, the next {second:.1f} s)")

    def steps(self, done: int, total: int | None) -> str | None:
        """After each optimization or training step."""
        if self.said or total is None or done < self.STEPS_MEASURED or done >= total or total < 2 * self.STEPS_MEASURED:
            return None
        self.said = True
        each = (time.perf_counter() - self.started) / done
        return f"expected: about {_duration(each * total)} for {total} steps ({each:.2f} s each)"


class ProgressView:
    """Shows a bar for frames (with fps and ETA) or iterations on a terminal, plain lines otherwise;
    nothing when quiet."""

    REFRESH_S = 0.2  # reading a loss syncs the GPU, so losses are read at most this often
    PLAIN_EVERY_S = 10.0
    WIDE = 120  # columns from which the losses of each step are shown beside the bar

    def __init__(self, label: str, quiet: bool = False) -> None:
        self.enabled = not quiet and stderr.is_terminal
        self.plain = PlainProgress(label, self.PLAIN_EVERY_S) if not quiet and not stderr.is_terminal else None
        self.label = label
        # At 80 columns the losses of the step inside a frame pushed the bar, the counts and the ETA's time
        # off the line; a narrow terminal gets a shortened label and the step number alone.
        self.narrow = stderr.width < self.WIDE
        self.progress = Progress(
            TextColumn("[bold]{task.description}", table_column=Column(no_wrap=True, overflow="ellipsis",
                                                                       max_width=24 if self.narrow else None)),
            BarColumn(bar_width=12 if self.narrow else 40),
            MofNCompleteColumn(),
            RateColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[info]}", table_column=Column(no_wrap=True, overflow="crop")),
            console=stderr,
            disable=not self.enabled,
            transient=False,
        )
        self.task: int | None = None
        self.last = 0.0
        self.estimate = Estimate() if not quiet else None
        self.kept = 0

    def __enter__(self) -> ProgressView:
        self.progress.__enter__()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.progress.__exit__(exc_type, exc, tb)

    def _ensure(self, total: int | None, unit: str) -> int:
        if self.task is None:
            self.task = self.progress.add_task(self.label, total=total, unit=unit, info="")
        return self.task

    def _info(self, step: Iteration) -> str:
        now = time.monotonic()
        if now - self.last < self.REFRESH_S and step.index + 1 < step.total:
            return ""
        self.last = now
        if self.narrow:
            return f"it {step.index + 1}/{step.total}"
        parts = " ".join(f"{name} {value:.3g}" for name, value in step.parts.items())
        return f"it {step.index + 1}/{step.total}  {parts}"

    def update(self, event: object) -> None:
        if isinstance(event, Resumed):  # said even without a terminal: the log of a batch job shows it
            of = f" of {event.total}" if event.total is not None else ""
            self.progress.console.print(f"resuming after frame {event.frames_done}{of}: finished segments kept", highlight=False)
            if self.enabled:
                self.progress.update(self._ensure(event.total, "fps"), completed=event.frames_done)
            if self.plain is not None:
                self.plain.kept = event.frames_done
            self.kept = event.frames_done
            return
        if isinstance(event, LoopClosure):
            self.progress.console.print(str(event), highlight=False)
            return
        self._say_estimate(event)
        if self.plain is not None:
            if isinstance(event, FrameProgress) and event.step is None:
                self.plain.show(event.done, event.total, "frames")
            elif not isinstance(event, FrameProgress) and hasattr(event, "index") and hasattr(event, "total"):
                self.plain.show(event.index + 1, event.total, "steps")
            return
        if not self.enabled:
            return
        if isinstance(event, FrameProgress):
            task = self._ensure(event.total, "fps")
            if event.step is None:
                self.progress.update(task, completed=event.done)
            elif info := self._info(event.step):
                self.progress.update(task, info=info)
        elif hasattr(event, "index") and hasattr(event, "parts"):  # an Iteration
            task = self._ensure(event.total, "it/s")
            info = self._info(event)
            self.progress.update(task, completed=event.index + 1, **({"info": info} if info else {}))


    def _say_estimate(self, event: object) -> None:
        if self.estimate is None:
            return
        line = None
        if isinstance(event, FrameProgress):
            if event.step is None:
                line = self.estimate.frames(event.done, self.kept, event.total)
        elif hasattr(event, "index") and hasattr(event, "total"):
            line = self.estimate.steps(event.index + 1, event.total)
        if line is not None:
            self.progress.console.print(line, highlight=False, soft_wrap=True)


class JsonProgress:
    """One JSON object per line on stderr: frames done/total with fps, or the step inside a frame (throttled)."""

    REFRESH_S = 0.5

    def __init__(self, label: str) -> None:
        self.label = label
        self.started = time.monotonic()
        self.last = 0.0
        self.kept = 0  # frames a resumed job did not compute again: not part of its speed

    def __enter__(self) -> JsonProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def _emit(self, **fields: object) -> None:
        sys.stderr.write(json.dumps({JSON_TAG: 1, "label": self.label, **fields}) + "\n")
        sys.stderr.flush()

    def update(self, event: object) -> None:
        now = time.monotonic()
        if isinstance(event, Resumed):
            self.kept = event.frames_done
            self._emit(resumed=event.frames_done, done=event.frames_done, total=event.total)
        elif isinstance(event, LoopClosure):
            self._emit(loop_closure=event.change, median_change=event.median)
        elif isinstance(event, FrameProgress) and event.step is None:
            elapsed = now - self.started
            fps = (event.done - self.kept) / elapsed if elapsed > 0 else None
            self._emit(done=event.done, total=event.total, fps=fps)
        elif now - self.last >= self.REFRESH_S:
            step = event.step if isinstance(event, FrameProgress) else event
            if hasattr(step, "index") and hasattr(step, "total"):
                self.last = now
                self._emit(step=step.index + 1, steps=step.total)


def run_with_progress(events: Generator[object, None, T], label: str, quiet: bool) -> T:
    """Drive a library generator to its end, showing its events; returns its result.

    Stopped early (a signal while the view draws, an error there), the generator is closed here, so
    its cleanup (temporaries removed, threads joined) runs before the command exits, not whenever the
    exception's reference cycle is collected: the console script skips that last collection."""
    json_mode = os.environ.get(PROGRESS_ENV) == "json"
    with JsonProgress(label) if json_mode else ProgressView(label, quiet) as view, closing(events):
        while True:
            try:
                view.update(next(events))
            except StopIteration as stop:
                return stop.value
