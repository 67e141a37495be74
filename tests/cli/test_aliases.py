"""Old option spellings still work for one release, are rewritten exactly, and stay out of --help."""

import click
import pytest
import typer.main

from videostyle.cli import app
from videostyle.cli.aliases import ALIASES, rewrite
from videostyle.media import read_image

from . import run


def _command(path: str) -> click.Command:
    command = typer.main.get_command(app)
    for name in path.split():
        command = command.commands[name]  # type: ignore[attr-defined]
    return command


@pytest.mark.parametrize(
    ("args", "expected", "used"),
    [
        (["--iterations", "5", "x.png"], ["--steps", "5", "x.png"], ["--iterations"]),
        (["--iterations=5"], ["--steps=5"], ["--iterations"]),
        (["--flow", "none", "-o", "o.mp4"], ["--no-temporal", "-o", "o.mp4"], ["--flow none"]),
        (["--flow=none"], ["--no-temporal"], ["--flow none"]),
        (["--flow", "dis"], ["--flow", "dis"], []),
        (["--", "--iterations"], ["--", "--iterations"], []),
    ],
)
def test_rewrite(args, expected, used):
    renames = {**ALIASES["stylize"], **ALIASES["dream"]}
    assert rewrite(args, renames) == (expected, used)


@pytest.mark.parametrize("command", sorted(ALIASES))
def test_every_alias_points_at_a_current_option_and_is_not_one(command):
    options = {opt for p in _command(command).params for opt in [*p.opts, *p.secondary_opts]}
    for old, new in ALIASES[command].items():
        assert new in options, f"{command}: {old} -> {new}, which the command does not have"
        assert old.split()[0] not in options or " " in old, f"{command}: {old} is still a visible option"


def test_old_spellings_run_and_say_so(files, capsys):
    code, _, err = run(
        capsys, "stylize", files / "content.png", "-s", files / "style.png", "-o", files / "o.png",
        "--iterations", "1", "--size", "24", "--device", "cpu", "-q",
    )
    assert code == 0, err
    assert "--iterations is now --steps" in err
    assert (files / "o.png").is_file()


def test_old_visualize_spellings_run(files, capsys):
    code, _, err = run(
        capsys, "visualize", "maximize", "block4", "-o", files / "m.png", "--init", files / "content.png",
        "--tv-reg", "0", "--rotate", "0", "--scale-jitter", "0", "--p-reg", "0.1", "--steps", "1", "--size", "32",
        "--tile", "32", "--device", "cpu", "--offline", "-q",
    )
    assert code == 0, err
    assert "--init is now --init-image" in err and "--tv-reg is now --tv-weight" in err
    code, _, err = run(
        capsys, "visualize", "texture", files / "style.png", "-o", files / "t.png", "--width", "40", "--height", "24",
        "--steps", "1", "--device", "cpu", "--offline", "-q",
    )
    assert code == 0, err
    assert read_image(files / "t.png").shape[-2:] == (24, 40)


def test_old_spellings_are_hidden_from_help(capsys):
    code, out, _ = run(capsys, "stylize", "--help")
    assert code == 0
    assert "--steps" in out and "--iterations" not in out and "--warm-iterations" not in out
