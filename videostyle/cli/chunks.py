"""`--workers N` / `--gpus N` on a video command: this process becomes the head of a chunked render.

The children run the same command with the options the user typed (so their parsing, checks and
identities are the command's own) plus the chunk's hidden options; see videostyle.batch.chunks.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterable
from contextlib import closing
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from ..batch.chunks import ChunkFinished, ChunkProgress, ChunksPlanned, iter_render_chunks
from .grammar import ParameterSource
from ..batch.local import worker_gpus
from ..errors import OptionError
from ..identity import job_identity
from ..media import media_kind
from ..media.codecs import Encoding
from ..media.sequences import is_pattern, is_sequence
from ..video.options import OutputOptions, SplitOptions
from ..progress import PROGRESS_ENV, FrameProgress
from .render import JsonProgress, PlainProgress, ProgressView, RateColumn, stderr

HEAD_ONLY = ("workers", "gpus", "work_dir", "quiet", "chunk", "preroll", "fade", "executor", "ray_address")
"""Options the head keeps to itself; it gives each child --work-dir, --chunk, --preroll and --fade."""


def render_chunked(context: typer.Context, command: str, source: Path, target: Path, output: OutputOptions,
                   split: SplitOptions, quiet: bool) -> None:
    """Run ``command`` as chunks over ``workers`` processes (or one per GPU), show progress, say where it wrote."""
    if media_kind(source) != "video" or media_kind(target, for_output=True) != "video":
        raise OptionError("--workers and --gpus split a video into chunks: give a video input and a video output")
    if is_sequence(source) or is_pattern(target) or not Encoding(output.codec, output.pix_fmt).default:
        raise OptionError("--workers and --gpus join H.264 segments: image sequences and --codec/--pix-fmt run on one worker")
    if context.params.get("preview_every"):
        raise OptionError("--preview-every shows one render's latest frame, and chunks render several at once: leave it out with --workers/--gpus")
    argv = [command, *explicit_argv(context, HEAD_ONLY)]
    files = [value for name, value in context.params.items() if isinstance(value, Path) and name != "output"]
    files += [item for value in context.params.values() if isinstance(value, list) for item in value if isinstance(item, Path)]
    identity = job_identity(f"{command} in chunks", argv, files=[p for p in files if p.exists()])
    gpu_ids = worker_gpus(split.gpus) if split.executor == "local" else []
    events = iter_render_chunks(argv, source, target, output, split.workers, gpu_ids, identity=identity,
                                executor=split.executor, ray_address=split.ray_address)  # type: ignore[arg-type]
    result = _show(events, f"{command} {source.name} ({max(split.workers, split.gpus)} workers)", quiet)
    typer.echo(f"wrote {result}")


def _show(events: Generator[object, None, Path], label: str, quiet: bool) -> Path:
    """On a terminal a bar per chunk (frames, fps, ETA, worker) under one for the whole job; in a log the
    whole job's plain lines; under a batch (JSON progress) the whole job's lines. A chunk's end is a line."""
    with closing(events):  # stopped early, closed here, not left to the collector (see render.run_with_progress)
        if os.environ.get(PROGRESS_ENV) == "json":
            return _show_json(events, label)
        columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn(),
                   TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
        plain = PlainProgress(label, ProgressView.PLAIN_EVERY_S) if not quiet and not stderr.is_terminal else None
        with Progress(*columns, console=stderr, disable=quiet or not stderr.is_terminal) as bars:
            whole, rows = bars.add_task(label, total=None, unit="fps"), {}
            while True:
                try:
                    event = next(events)
                except StopIteration as stop:
                    return stop.value
                if isinstance(event, ChunkProgress):
                    end = "end" if event.end is None else event.end
                    name = f"  chunk {event.number + 1} ({event.first}-{end}, {event.worker})"
                    if event.number not in rows:
                        rows[event.number] = bars.add_task(name, total=event.total, unit="fps")
                    bars.update(rows[event.number], completed=event.done, description=name)
                elif isinstance(event, FrameProgress) and event.step is None:
                    bars.update(whole, completed=event.done, total=event.total)
                    if plain is not None:
                        plain.show(event.done, event.total, "frames")
                elif isinstance(event, ChunkFinished) and not quiet:
                    how = "done" if event.error is None else f"failed ({escape(event.error)})" + ("; retrying" if event.retry else "")
                    bars.console.print(f"chunk {event.number + 1}: {how} after {event.seconds:.1f} s", highlight=False, soft_wrap=True)


class ChunkedJsonProgress(JsonProgress):
    """The whole job's JSON lines, each with ``chunks``: [finished, planned], for the batch table; a
    chunk's end is a line too."""

    def __init__(self, label: str) -> None:
        super().__init__(label)
        self.chunks = [0, 0]
        self.latest: FrameProgress | None = None  # not ``last``: JsonProgress keeps its throttle time there

    def _emit(self, **fields: object) -> None:
        super()._emit(**fields, **({"chunks": self.chunks} if "done" in fields else {}))

    def update(self, event: object) -> None:
        if isinstance(event, ChunksPlanned):
            self.chunks = [0, len(event.chunks)]
        elif isinstance(event, ChunkFinished):
            self.chunks[0] += event.error is None
            if self.latest is not None:
                super().update(self.latest)
        else:
            if isinstance(event, FrameProgress) and event.step is None:
                self.latest = event
            super().update(event)


def _show_json(events: Generator[object, None, Path], label: str) -> Path:
    view = ChunkedJsonProgress(label)
    while True:
        try:
            view.update(next(events))
        except StopIteration as stop:
            return stop.value


def explicit_argv(context: typer.Context, skip: Iterable[str]) -> list[str]:
    """The options the user gave (not defaults), as a command line, positional arguments after ``--``."""
    skipped, options, positional = set(skip), [], []
    for param in context.command.params:
        if param.name in skipped or context.get_parameter_source(param.name) in (None, ParameterSource.DEFAULT):
            continue
        value = context.params[param.name]
        if param.param_type_name == "argument":
            positional += [str(item) for item in (value if isinstance(value, (list, tuple)) else [value])]
        elif getattr(param, "is_flag", False) and isinstance(value, bool):
            secondary = list(getattr(param, "secondary_opts", ()))
            options += param.opts[:1] if value else secondary[:1]
        else:
            for item in value if isinstance(value, (list, tuple)) else [value]:
                options += [param.opts[0], str(item)]
    return [*options, "--", *positional] if positional else options
