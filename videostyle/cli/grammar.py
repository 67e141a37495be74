"""The batch's grammar (videostyle.batch.grammar) from the CLI's own click commands: a job's options are
parsed and checked exactly as its command line would be.

typer ships its own copy of click (``typer._click``); older typer versions use the ``click`` package.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from ..errors import OptionError

try:  # typer >= 0.26 vendors click
    from typer._click.core import Command, Context, ParameterSource
    from typer._click.exceptions import ClickException
    from typer._click.exceptions import UsageError as ClickUsageError
    from typer.exceptions import Abort
except ImportError:  # pragma: no cover - older typer
    from click import Abort, ClickException, Command, Context  # type: ignore[no-redef]
    from click import UsageError as ClickUsageError  # type: ignore[no-redef]
    from click.core import ParameterSource  # type: ignore[no-redef]

Value = str | int | float | bool | list

__all__ = [
    "GRAMMAR", "Abort", "ClickException", "ClickUsageError", "Command", "Context", "ParameterSource", "argv_to_options",
    "command", "find_param", "options_to_argv",
]


@cache
def command(name: str) -> Command:
    """The click command behind ``videostyle NAME`` (a batch may run stylize, dream and train)."""
    import typer

    from . import app

    group = typer.main.get_command(app)
    found = group.commands.get(name) if name in ("stylize", "dream", "train") else None  # type: ignore[attr-defined]
    if found is None:
        raise KeyError(name)
    return found


def find_param(cmd: Command, opt: str) -> Any | None:
    """The option of ``cmd`` spelled ``opt`` (e.g. ``--no-temporal``), primary or secondary name; None if none."""
    for param in cmd.params:
        if opt in param.opts or opt in getattr(param, "secondary_opts", ()):
            return param
    return None


def options_to_argv(name: str, options: Mapping[str, Value]) -> list[str]:
    """``{"steps": 50, "style": ["a.png"], "no-temporal": True}`` -> ``--steps 50 --style a.png --no-temporal``.

    Unknown names are passed on as ``--name`` so the command's own parser reports them (with suggestions).
    """
    cmd = command(name)
    argv: list[str] = []
    for key, value in options.items():
        opt = f"--{key}"
        if isinstance(value, bool):
            argv += _flag(find_param(cmd, opt), opt, value)
        else:
            for item in value if isinstance(value, list) else [value]:
                argv += [opt, str(item)]
    return argv


def _flag(param: Any, opt: str, value: bool) -> list[str]:
    if param is None or not getattr(param, "is_flag", False):
        return [opt] if value else [opt, "false"]  # the parser then says what is wrong
    secondary = list(getattr(param, "secondary_opts", ()))
    if opt in secondary:
        return [opt] if value else param.opts[:1]
    if value:
        return [opt]
    return secondary[:1]  # a single-name flag is off by default


def argv_to_options(name: str, argv: list[str], ignore: tuple[str, ...] = ()) -> dict[str, Value]:
    """The inverse of options_to_argv: the options given in ``argv`` (validated) as manifest keys."""
    ctx = GRAMMAR.parse(name, argv)
    options: dict[str, Value] = {}
    for param in command(name).params:
        if param.name in ignore or ctx.get_parameter_source(param.name) != ParameterSource.COMMANDLINE:
            continue
        value = ctx.params[param.name]
        key = param.opts[0].lstrip("-")
        if isinstance(value, (list, tuple)):
            options[key] = [str(v) for v in value]
        elif isinstance(value, (bool, int, float)):
            options[key] = value
        else:
            options[key] = str(value)
    return options


class ClickGrammar:
    """videostyle.batch.grammar.Grammar over the CLI's click commands."""

    def to_argv(self, command: str, options: Mapping[str, Value]) -> list[str]:
        return options_to_argv(command, options)

    def parse(self, name: str, argv: Sequence[str]) -> Context:
        try:
            return command(name).make_context(name, list(argv), resilient_parsing=False)
        except ClickException as error:
            raise OptionError(error.format_message()) from None

    def check(self, name: str, parsed: Context) -> None:
        from .declare import check_options

        check_options(name, parsed)  # type: ignore[arg-type]

    def unused(self, name: str, parsed: Context) -> list[str]:
        from .declare import inapplicable

        names = set(inapplicable(name, parsed))  # type: ignore[arg-type]
        return [p.opts[0].lstrip("-") for p in command(name).params if p.name in names] + [
            opt.lstrip("-") for p in command(name).params if p.name in names for opt in getattr(p, "secondary_opts", ())
        ]

    def accepts(self, name: str, flag: str) -> bool:
        return find_param(command(name), flag) is not None


GRAMMAR = ClickGrammar()
