"""What the batch must know of the commands its jobs run, handed in by its caller.

A job is a command line: the batch turns a manifest's table into arguments, has them parsed and
checked as the command itself would, and reads the parsed values (files to fingerprint, the device,
frames to expect). The CLI gives its own grammar (videostyle.cli.grammar), so the batch knows no
command-line library and imports nothing above it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

Value = str | int | float | bool | list


class Parsed(Protocol):
    """A parsed job: its parameters by name (typed values, defaults filled in)."""

    params: dict[str, Any]


class Grammar(Protocol):
    def to_argv(self, command: str, options: Mapping[str, Value]) -> list[str]:
        """A manifest's options as arguments: ``{"steps": 50, "no-temporal": True}`` -> ``--steps 50 --no-temporal``."""

    def parse(self, command: str, argv: Sequence[str]) -> Parsed:
        """Parse without running; raises OptionError with the command line's one-line message."""

    def check(self, command: str, parsed: Parsed) -> None:
        """Every check the command runs before reading files; raises OptionError."""

    def unused(self, command: str, parsed: Parsed) -> list[str]:
        """The manifest keys given in ``parsed`` that the job would not use (its engine or media take no such option)."""

    def accepts(self, command: str, flag: str) -> bool:
        """Whether ``command`` takes option ``flag`` (e.g. ``--work-dir``)."""
