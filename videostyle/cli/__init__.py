"""The `videostyle` command: each subcommand parses its options and calls one library function.

``main`` turns the library's user-facing errors into a one-line message and a non-zero exit code
(1 failure, 2 usage, 128 + N after signal N: 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP) instead of a traceback.
"""

from __future__ import annotations

import os

# Before numpy loads OpenBLAS: its pool's threads spin for a while at start-up (0.15 s of CPU here, a
# core of a 2-core laptop), and no command runs numpy's BLAS on anything large. The command's process
# only: a Python user's numpy keeps its threads. A user's own OPENBLAS_NUM_THREADS wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from ..allocator import keep_freed_memory  # noqa: E402 - after the environment above

keep_freed_memory()  # a render's buffers are reused, not faulted in again every frame (see allocator)

import gc
import signal
import sys
import warnings
from collections.abc import Callable, Sequence
from functools import partial
from typing import Annotated, NoReturn

import typer
from rich.markup import escape
from typer.core import TyperGroup

from .grammar import Abort, ClickException, ClickUsageError
from ..errors import DamagedInput, OptionError, VideostyleError, VideostyleWarning, describe_os_error
from ..shutdown import Stopped, exit_with_parent, stop_on_signals
from .aliases import aliased
from .batch import batch_app
from .dream import dream
from .metrics import metrics
from .models import models
from .render import stderr
from .sheet import sheet
from .stylize import stylize
from .train import train
from .visualize import visualize_app

class Interrupted(Exception):
    """A stop inside a command, carried past typer (which turns a KeyboardInterrupt into a bare exit
    code 130) so that ``main`` can say what the command kept (the notes on the interrupt)."""

    def __init__(self, stop: KeyboardInterrupt) -> None:
        super().__init__(stop)
        self.stop = stop


class _Root(TyperGroup):
    def invoke(self, ctx: typer.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as stop:
            raise Interrupted(stop) from stop


app = typer.Typer(
    cls=_Root,
    name="videostyle",
    help="Neural style transfer, DeepDream and CNN visualization for videos and photos.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain click help: rich's boxed tables cut long option names at 80 columns; click's wrap
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"videostyle {version('videostyle')}")
        except PackageNotFoundError:  # run from a source tree that was never installed
            typer.echo("videostyle (not installed)")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Refuse damaged input instead of using the part that can be read.")
    ] = False,
) -> None:
    """Options before the command apply to every command."""
    if strict:
        warnings.simplefilter("error", DamagedInput)


OPTIONS_PAGE = "Every option by topic, with where it applies: docs/options.md"
app.command(cls=aliased("stylize"), epilog=OPTIONS_PAGE)(stylize)
app.command()(models)
app.command()(metrics)
app.command(cls=aliased("dream"), epilog=OPTIONS_PAGE)(dream)
app.command(cls=aliased("train"))(train)
app.command(cls=aliased("sheet"))(sheet)
app.add_typer(visualize_app, name="visualize")
app.add_typer(batch_app, name="batch")

EXIT_FAILURE, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (the console script passes it to sys.exit).

    SIGINT, SIGTERM and SIGHUP all unwind through the same cleanup and exit 128 + the signal number.
    """
    with stop_on_signals() as shutdown, warnings.catch_warnings():
        exit_with_parent()
        warnings.simplefilter("always", VideostyleWarning)
        shown = warnings.showwarning
        warnings.showwarning = partial(_show_warning, shown)
        try:
            code = app(args=list(argv) if argv is not None else None, prog_name="videostyle", standalone_mode=False)
            if code == EXIT_INTERRUPTED:  # a stop while the options were parsed
                return _stopped(shutdown.first, None)
            return code if isinstance(code, int) else 0  # typer.Exit(N) comes back as N
        except Interrupted as interrupted:
            return _stopped(shutdown.first, interrupted.stop)
        except ClickUsageError as error:  # one line, as for every other error, with where to look
            where = f" (see '{error.ctx.command_path} --help')" if error.ctx is not None else ""
            return _error(f"{error.format_message()}{where}", EXIT_USAGE)
        except ClickException as error:
            return _error(error.format_message(), error.exit_code)
        except Abort as stop:  # click's form of a KeyboardInterrupt
            return _stopped(shutdown.first, _interrupt_in(stop))
        except KeyboardInterrupt as stop:
            return _stopped(shutdown.first, stop)
        except OptionError as error:  # a usage error too: a bad value is not worth retrying
            return _error(str(error), EXIT_USAGE)
        except VideostyleError as error:
            return _error(str(error))
        except OSError as error:  # the file system refused something the library did not foresee
            return _error(describe_os_error(error, action="use"))
    return 0


def run() -> NoReturn:
    """The console script: ``main``, then exit without the interpreter's last garbage collection.

    That collection walks every object torch made at import (0.2-0.3 s of one core after the output
    is written: an eighth of a short render's start-up). Frozen, they are freed with the process;
    files are closed and atexit handlers run as before. Only the command's process does this: a
    Python caller of ``main`` keeps its collector as it was.
    """
    code = main()
    gc.freeze()
    sys.exit(code)


def _show_warning(
    otherwise: Callable[..., None], message: Warning | str, category: type[Warning], *args: object, **kwargs: object
) -> None:
    """The library's warnings (damaged input used anyway, streams left out) as one line on stderr."""
    if not issubclass(category, VideostyleWarning):
        otherwise(message, category, *args, **kwargs)
        return
    suffix = "; the output has those frames (--strict makes this an error)" if category is DamagedInput else ""
    stderr.print(f"[yellow]warning:[/yellow] {escape(str(message))}{suffix}", highlight=False, soft_wrap=True)


def _error(message: str, code: int = EXIT_FAILURE) -> int:
    stderr.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    return code


def _interrupt_in(error: BaseException) -> KeyboardInterrupt | None:
    """The KeyboardInterrupt that typer turned into its exit 130, found along the exception chain."""
    seen: BaseException | None = error
    while seen is not None and not isinstance(seen, KeyboardInterrupt):
        seen = seen.__cause__ or seen.__context__
    return seen


def _stopped(signalled: Stopped | None, raised: KeyboardInterrupt | None) -> int:
    """One line: why the run stopped and what was kept (a command adds that as a note on the exception)."""
    stop = signalled or (raised if isinstance(raised, Stopped) else Stopped(signal.SIGINT))
    notes = getattr(raised, "__notes__", None) or getattr(stop, "__notes__", None) or ["no partial output was kept"]
    stderr.print(f"{stop.reason}; {notes[-1]}", highlight=False, soft_wrap=True)
    return stop.exit_code
