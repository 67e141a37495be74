"""Every `videostyle ...` example in the docs and the Makefile parses with the current CLI (nothing runs).

A renamed or removed option breaks this test, and so does an example that still leans on an old
spelling (those stay accepted for one release, but the docs show the current names).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer.main

from videostyle.cli import app
from videostyle.cli.aliases import ALIASES, rewrite

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", ROOT / "samples" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def examples(text: str) -> list[str]:
    """Command lines starting with `videostyle ` in fenced shell blocks (continuations joined, comments cut)."""
    found, fence = [], None
    for line in text.replace("\\\n", " ").splitlines():
        if line.startswith("```"):
            fence = None if fence is not None else line[3:].strip()
            continue
        line = line.strip()
        if fence in ("sh", "bash", "shell", "") and line.startswith("videostyle ") and "[" not in line:
            found.append(line)  # `[options]` marks a usage synopsis, not an example
    return found


def make_examples() -> list[str]:
    """The Makefile's `python -m videostyle ...` recipes, as `videostyle ...` lines."""
    text = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    return ["videostyle " + m.strip() for m in re.findall(r"-m videostyle (.*)", text)]


ALL = [(doc.name, line) for doc in DOCS for line in examples(doc.read_text())] + [("Makefile", line) for line in make_examples()]


def parse(line: str) -> None:
    words = shlex.split(line, comments=True)[1:]
    command = typer.main.get_command(app)
    path = []
    while hasattr(command, "commands") and words and words[0] in command.commands:
        path.append(words[0])
        command = command.commands[words.pop(0)]
    _, old = rewrite(words, ALIASES.get(" ".join(path), {}))
    assert not old, f"uses old spellings {old}"
    command.make_context(" ".join(["videostyle", *path]), words)  # raises on unknown options or bad values


def test_the_docs_have_examples():
    assert len(ALL) >= 30 and any(doc == "Makefile" for doc, _ in ALL)


@pytest.mark.parametrize(("doc", "line"), ALL)
def test_example_parses(doc, line):
    parse(line)


def test_a_renamed_option_fails():
    with pytest.raises(Exception, match="iterationz"):
        parse("videostyle stylize a.png -s b.png -o c.png --iterationz 5")
