"""docs/cli.md, the table of the CLI vocabulary, says what the commands really take."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from videostyle.cli.aliases import ALIASES

from .test_vocabulary import all_commands, command

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def rows(section: int) -> list[list[str]]:
    """Cells of the body rows of the ``section``-th table (0: vocabulary, 1: old spellings)."""
    tables = re.findall(r"((?:^\|.*\|\n)+)", DOC.read_text(), re.M)
    lines = tables[section].strip().splitlines()[2:]
    return [[cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]] for line in lines]


def option_names(cell: str) -> list[str]:
    """`-o/--output FILE`, `--tv-beta β` -> ['--output', '--tv-beta']."""
    return [re.search(r"--[a-z0-9-]+", code).group(0) for code in re.findall(r"`([^`]+)`", cell)]


def takes(path: str) -> set[str]:
    return {opt for p in command(path).params for opt in (*p.opts, *getattr(p, "secondary_opts", ()))}


VOCABULARY = rows(0)


@pytest.mark.parametrize("row", VOCABULARY, ids=[r[0] for r in VOCABULARY])
def test_each_option_is_in_each_command_listed(row):
    options, _, commands = row
    for path in (c.strip() for c in commands.split(",")):
        assert path in all_commands(), path
        missing = set(option_names(options)) - takes(path)
        assert not missing, f"{path} lacks {missing}"


def test_the_table_covers_every_option_shared_by_two_commands():
    listed = {name for row in VOCABULARY for name in option_names(row[0])}
    seen: dict[str, int] = {}
    for path in all_commands():
        for name in {opt for p in command(path).params for opt in p.opts}:
            seen[name] = seen.get(name, 0) + (name.startswith("--"))
    shared = {name for name, count in seen.items() if count > 1}
    assert shared - listed - {"--help", "--layer", "--layers", "--channel", "--class", "--method", "--batch-size", "--style", "--style-scale", "--content-layers", "--style-layers"} == set()


def test_every_old_spelling_is_documented():
    documented = {(row[0], old) for row in rows(1) for old in re.findall(r"`(--[a-z-]+)", row[1])}
    for path, renames in ALIASES.items():
        for old in renames:
            assert (path, old.split()[0]) in documented, f"{path} {old}"
