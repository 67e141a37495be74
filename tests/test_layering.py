"""Techniques build on the layers below them (optim, objectives, backbones, media, flow, ...), never on each other."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "videostyle"
TECHNIQUES = ("stylize", "dream", "visualize", "feedforward")

# Known cross-imports, to be emptied when the a-video branch (OutputOptions and FramePrior move to
# videostyle/video/) is merged. Nothing may be added here.
ALLOWED: set[tuple[str, str]] = set()


def imported_packages(path: Path, package: Path = PACKAGE) -> set[str]:
    """The top-level videostyle packages a module imports (relative or absolute, at any depth in the file)."""
    module = path.relative_to(package.parent).with_suffix("").parts  # ('videostyle', 'dream', 'run')
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = module[: len(module) - node.level]
                names = [*base, *(node.module.split(".") if node.module else [])]
                if len(names) == 1:  # `from .. import dream`
                    names += [alias.name for alias in node.names]
            else:
                names = (node.module or "").split(".")
            if names[0] == "videostyle" and len(names) > 1:
                found.add(names[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names = alias.name.split(".")
                if names[0] == "videostyle" and len(names) > 1:
                    found.add(names[1])
    return found


def cross_imports() -> set[tuple[str, str]]:
    pairs = set()
    for technique in TECHNIQUES:
        for path in sorted((PACKAGE / technique).rglob("*.py")):
            for other in imported_packages(path) & set(TECHNIQUES) - {technique}:
                pairs.add((path.relative_to(PACKAGE).as_posix(), other))
    return pairs


def test_no_technique_imports_another():
    assert cross_imports() <= ALLOWED, f"new cross-imports: {sorted(cross_imports() - ALLOWED)}"


def test_the_allow_list_holds_only_what_is_still_there():
    assert ALLOWED <= cross_imports(), f"stale entries, remove them: {sorted(ALLOWED - cross_imports())}"


def test_the_walker_sees_relative_absolute_and_nested_imports(tmp_path):
    fake = tmp_path / "videostyle"
    (fake / "dream").mkdir(parents=True)
    source = fake / "dream" / "x.py"
    source.write_text("from ..stylize import a\nimport videostyle.visualize.maximize\ndef f():\n    from .. import feedforward\n")
    assert imported_packages(source, fake) == {"stylize", "visualize", "feedforward"}


def test_the_batch_knows_no_cli():
    """batch runs plans with a grammar handed in (videostyle.batch.grammar); the CLI's lives in cli.grammar."""
    offenders = sorted(p.relative_to(PACKAGE).as_posix() for p in (PACKAGE / "batch").rglob("*.py") if "cli" in imported_packages(p))
    assert offenders == []
