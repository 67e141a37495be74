"""Old option spellings, kept working (hidden from --help) for one release after the vocabulary was unified.

Each command gets a click command class that rewrites its old spellings to the current ones before
click parses, and says so on stderr, so the help shows one name per idea while old scripts still run.
A key may carry a value ("--flow none"): that exact pair becomes the replacement.
"""

from __future__ import annotations

from collections.abc import Mapping

import click
from typer.core import TyperCommand

ALIASES: dict[str, dict[str, str]] = {
    "stylize": {
        "--iterations": "--steps",
        "--warm-iterations": "--warm-steps",
        "--pass-iterations": "--pass-steps",
    },
    "dream": {"--flow none": "--no-temporal"},
    "train": {"--width": "--width-mult"},
    "sheet": {"--tile": "--cell"},
    "visualize maximize": {
        "--init": "--init-image",
        "--tv-reg": "--tv-weight",
        "--p-reg": "--p-norm-weight",
        "--p-scale": "--p-norm-scale",
        "--p-reg-aux": "--p-norm-aux-weight",
        "--p-scale-aux": "--p-norm-aux-scale",
        "--rotate": "--jitter-rotate",
        "--scale-jitter": "--jitter-scale",
    },
    "visualize invert": {"--alpha": "--p-norm", "--alpha-weight": "--p-norm-weight"},
}
"""Command -> {old spelling: current spelling}. Texture's --width/--height are hidden options of their
own (two numbers become --size and --aspect), not renames."""


def rewrite(args: list[str], renames: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """(args with old spellings replaced, the old spellings met); stops at a bare ``--``."""
    out: list[str] = []
    used: list[str] = []
    k = 0
    while k < len(args):
        arg = args[k]
        if arg == "--":
            out.extend(args[k:])
            break
        name, eq, value = arg.partition("=")
        pair = f"{name} {value if eq else (args[k + 1] if k + 1 < len(args) else '')}"
        if pair in renames:
            out.append(renames[pair])
            used.append(pair)
            k += 1 if eq else 2
            continue
        if name in renames:
            out.append(renames[name] + eq + value)
            used.append(name)
        else:
            out.append(arg)
        k += 1
    return out, used


def aliased(command: str) -> type[TyperCommand]:
    """A typer command class that accepts ``command``'s old spellings (see ALIASES)."""
    renames = ALIASES.get(command, {})

    class Aliased(TyperCommand):
        def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
            args, used = rewrite(args, renames)
            for old in used:
                click.echo(f"note: {old} is now {renames[old]}; the old spelling goes in the next release", err=True)
            return super().parse_args(ctx, args)

    return Aliased
