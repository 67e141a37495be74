"""The `videostyle` command: each subcommand parses its options and calls one library function.

``main`` turns the library's user-facing errors into a one-line message and a non-zero exit code
(1 failure, 2 usage, 130 interrupted) instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence

import typer
from rich.markup import escape

from ..errors import VideostyleError
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

app = typer.Typer(
    name="videostyle",
    help="Neural style transfer, DeepDream and CNN visualization for videos and photos.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command(cls=aliased("stylize"))(stylize)
app.command()(models)
app.command()(metrics)
app.command(cls=aliased("dream"))(dream)
app.command(cls=aliased("train"))(train)
app.command()(sheet)
app.add_typer(visualize_app, name="visualize")
app.add_typer(batch_app, name="batch")

EXIT_FAILURE, EXIT_INTERRUPTED = 1, 130


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (the console script passes it to sys.exit)."""
    try:
        app(args=list(argv) if argv is not None else None, prog_name="videostyle")
    except SystemExit as done:  # typer's own exits: 0 after --help, 2 for usage errors, 130 on Ctrl-C
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else EXIT_FAILURE)
        if code == EXIT_INTERRUPTED:
            stderr.print("interrupted; no partial output was kept")
        return code
    except KeyboardInterrupt:
        stderr.print("interrupted; no partial output was kept")
        return EXIT_INTERRUPTED
    except VideostyleError as error:
        stderr.print(f"[red]error:[/red] {escape(str(error))}", highlight=False, soft_wrap=True)
        return EXIT_FAILURE
    return 0
