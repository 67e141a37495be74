"""The CLI's own click commands, so a job's options are parsed exactly as the command line would parse them.

typer ships its own copy of click (``typer._click``); older typer versions use the ``click`` package.
"""

from __future__ import annotations

from functools import cache
from typing import Any

try:  # typer >= 0.26 vendors click
    from typer._click.core import Command, Context, ParameterSource
    from typer._click.exceptions import ClickException
    from typer._click.exceptions import UsageError as ClickUsageError
    from typer.exceptions import Abort
except ImportError:  # pragma: no cover - older typer
    from click import Abort, ClickException, Command, Context  # type: ignore[no-redef]
    from click import UsageError as ClickUsageError  # type: ignore[no-redef]
    from click.core import ParameterSource  # type: ignore[no-redef]

__all__ = [
    "COMMANDS", "Abort", "ClickException", "ClickUsageError", "Command", "Context", "ParameterSource", "check_options", "command", "find_param",
    "inapplicable", "parse",
]

COMMANDS = ("stylize", "dream", "train")
"""The commands a batch job may run."""


@cache
def command(name: str) -> Command:
    """The click command behind ``videostyle NAME``."""
    import typer

    from ..cli import app

    group = typer.main.get_command(app)
    found = group.commands.get(name) if name in COMMANDS else None  # type: ignore[attr-defined]
    if found is None:
        raise KeyError(name)
    return found


def find_param(cmd: Command, opt: str) -> Any | None:
    """The option of ``cmd`` spelled ``opt`` (e.g. ``--no-temporal``), primary or secondary name; None if none."""
    for param in cmd.params:
        if opt in param.opts or opt in getattr(param, "secondary_opts", ()):
            return param
    return None


def check_options(name: str, ctx: Context) -> None:
    """The command's own checks of parsed options (finite numbers, options that apply), as it runs them."""
    from ..cli.declare import check_options as check

    check(name, ctx)  # type: ignore[arg-type]


def inapplicable(name: str, ctx: Context) -> list[str]:
    """The parameters given in ``ctx`` that the job would not use."""
    from ..cli.declare import inapplicable as find

    return find(name, ctx)  # type: ignore[arg-type]


def parse(name: str, argv: list[str]) -> Context:
    """Parse ``argv`` with command ``name`` without running it; raises ClickException on bad usage."""
    return command(name).make_context(name, list(argv), resilient_parsing=False)
