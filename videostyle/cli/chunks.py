"""`--workers N` / `--gpus N` on a video command: this process becomes the head of a chunked render.

The children run the same command with the options the user typed (so their parsing, checks and
identities are the command's own) plus the chunk's hidden options; see videostyle.batch.chunks.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from ..batch.chunks import ChunkFinished, iter_render_chunks, parse_chunk
from ..batch.commands import ParameterSource
from ..batch.local import worker_gpus
from ..errors import OptionError
from ..identity import job_identity
from ..media import media_kind
from ..video import OutputOptions
from .render import run_with_progress, stderr

Workers = Annotated[
    int, typer.Option("--workers", min=1, max=256, help="Video: render in this many chunks at once, one process each (see --preroll).")
]
Gpus = Annotated[int, typer.Option("--gpus", min=0, max=256, help="Video: one chunk per GPU on this many GPUs.")]
Preroll = Annotated[
    int,
    typer.Option("--preroll", min=0, max=10_000, help="Video, --workers: frames run before each chunk to build its temporal state, then dropped."),
]
ChunkRange = Annotated[str | None, typer.Option("--chunk", hidden=True, help="FIRST:END frames of the job (a worker of --workers).")]
HEAD_ONLY = ("workers", "gpus", "work_dir", "quiet", "chunk", "preroll")
"""Options the head keeps to itself; it gives each child --work-dir, --chunk and --preroll."""


def chunk_of(text: str | None) -> tuple[int, int | None] | None:
    return None if text is None else parse_chunk(text)


def wants_chunks(workers: int, gpus: int, chunk: str | None) -> bool:
    """This run is the head of a chunked render (a chunk worker never is)."""
    return chunk is None and (workers > 1 or gpus > 0)


def render_chunked(context: typer.Context, command: str, source: Path, target: Path, output: OutputOptions,
                   workers: int, gpus: int, quiet: bool) -> None:
    """Run ``command`` as chunks over ``workers`` processes (or one per GPU), show progress, say where it wrote."""
    if media_kind(source) != "video" or media_kind(target, for_output=True) != "video":
        raise OptionError("--workers and --gpus split a video into chunks: give a video input and a video output")
    argv = [command, *explicit_argv(context, HEAD_ONLY)]
    files = [value for name, value in context.params.items() if isinstance(value, Path) and name != "output"]
    files += [item for value in context.params.values() if isinstance(value, list) for item in value if isinstance(item, Path)]
    identity = job_identity(f"{command} in chunks", argv, files=[p for p in files if p.exists()])
    events = iter_render_chunks(argv, source, target, output, workers, worker_gpus(gpus), identity=identity)
    result = run_with_progress(_say_chunks(events, quiet), f"{command} {source.name} ({max(workers, gpus)} workers)", quiet)
    typer.echo(f"wrote {result}")


def _say_chunks(events: Generator[object, None, Path], quiet: bool) -> Generator[object, None, Path]:
    """Pass the events on; a chunk that ends (or is retried) is also one line on stderr."""
    while True:
        try:
            event = next(events)
        except StopIteration as stop:
            return stop.value
        if isinstance(event, ChunkFinished) and not quiet:
            how = "done" if event.error is None else f"failed ({escape(event.error)})" + ("; retrying" if event.retry else "")
            stderr.print(f"chunk {event.number + 1}: {how} after {event.seconds:.1f} s", highlight=False, soft_wrap=True)
        yield event


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
