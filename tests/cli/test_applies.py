"""Options are fields of the library's option classes: every field is an option of the commands that read its
class, every option sets a field the library reads, and an option given where its engine or media do not use it
is a one-line usage error naming where it applies."""

import ast
from pathlib import Path

import pytest
import typer

import videostyle
from videostyle.cli import app, main
from videostyle.cli.declare import DECLARATIONS, Job, refuse_ignored
from videostyle.errors import UsageError
from videostyle.spec import specs

PACKAGE = Path(videostyle.__file__).parent


DECLARED = sorted(DECLARATIONS)


def params_of(command: str) -> dict:
    found = typer.main.get_command(app)
    for name in command.split():
        found = found.commands[name]  # type: ignore[attr-defined]
    return {p.name: p for p in found.params}


def test_every_visualize_command_is_declared():
    names = typer.main.get_command(app).commands["visualize"].commands  # type: ignore[attr-defined]
    assert {"stylize", "dream"} | {f"visualize {name}" for name in names} <= set(DECLARATIONS)


@pytest.mark.parametrize("command", DECLARED)
def test_every_field_of_its_classes_is_an_option_of_the_command(command):
    params = params_of(command)
    for cls in DECLARATIONS[command].groups():
        for field, spec, _ in specs(cls):
            if spec.cli:
                assert field.name in params, f"{cls.__name__}.{field.name} is not an option of {command}"
                assert spec.primary(field.name) in params[field.name].opts + params[field.name].secondary_opts


def attributes_read() -> set[str]:
    """Every attribute name the code reads (``x.name`` in a load context), outside the modules that declare commands."""
    names = set()
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).as_posix() in ("cli/declare.py", "cli/stylize.py", "cli/dream.py", "cli/visualize.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                names.add(node.attr)
    return names


@pytest.mark.parametrize("command", DECLARED)
def test_no_option_is_accepted_and_ignored(command):
    """An option is a field of a class its engine reads; the library must read that field somewhere."""
    read = attributes_read()
    ignored = [f"{cls.__name__}.{field.name}" for cls in DECLARATIONS[command].groups()
               for field, spec, _ in specs(cls) if spec.cli and field.name not in read]
    assert ignored == []


def test_the_ignored_check_can_fail(tmp_path):
    assert "field_nobody_reads" not in attributes_read()


@pytest.mark.parametrize(
    ("engine", "given", "kinds", "message"),
    [
        ("model", "steps", ("image", "image"), "--steps does not apply here: it is for runs without --model"),
        ("optimization", "alpha", ("image", "image"), "--alpha does not apply here: it is for --model"),
        ("optimization", "temporal_pool", ("image", "image"), "it is for runs without --model on video input"),
        ("model", "stabilize", ("image", "image"), "--stabilize does not apply here: it is for --model on video input"),
        ("model", "crf", ("image", "image"), "--crf does not apply here: it is for video output"),
        ("optimization", "workers", ("video", "image"), "--workers does not apply here: it is for video output"),
    ],
)
def test_where_an_option_applies_is_derived_from_its_class(engine, given, kinds, message):
    with pytest.raises(UsageError, match=message):
        refuse_ignored(DECLARATIONS["stylize"], [given], Job(engine, *kinds))


def test_options_that_apply_pass():
    refuse_ignored(DECLARATIONS["stylize"], ["steps", "temporal_pool", "crf", "flow"], Job("optimization", "video", "video"))
    refuse_ignored(DECLARATIONS["stylize"], ["alpha", "stabilize", "flow", "preserve_color"], Job("model", "video", "video"))
    refuse_ignored(DECLARATIONS["dream"], ["zoom", "frames"], Job("dream", "image", "video"))
    with pytest.raises(UsageError, match="zoom loop"):
        refuse_ignored(DECLARATIONS["dream"], ["zoom"], Job("dream", "video", "video"))


@pytest.mark.parametrize(
    "extra",
    [["--steps", "3", "--model", "m.safetensors"], ["--alpha", "0.5", "-s", "{style}"], ["--work-dir", "w"],
     ["--warm-steps", "3", "-s", "{style}"]],
)
def test_an_option_that_does_not_apply_is_a_usage_error(files, capsys, extra):
    argv = ["stylize", str(files / "content.png"), "-o", str(files / "out.png"), "--device", "cpu"]
    argv += [a.format(style=files / "style.png") for a in extra]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "does not apply here" in err and "Traceback" not in err
    assert not (files / "out.png").exists()
