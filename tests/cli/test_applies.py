"""The table of options that apply only to some engines or media: every row names a real option, and
an option given where it does not apply is a one-line usage error."""

import pytest
import typer

from videostyle.cli import app, main
from videostyle.cli.applies import DREAM_RULES, STYLIZE_RULES


@pytest.mark.parametrize(("command", "rules"), [("stylize", STYLIZE_RULES), ("dream", DREAM_RULES)])
def test_every_rule_names_an_option_of_its_command(command, rules):
    params = {p.name: p for p in typer.main.get_command(app).commands[command].params}
    for rule in rules:
        assert rule.param in params, f"{rule.param} is not a parameter of {command}"
        assert rule.flag.split("/")[-1] in params[rule.param].opts, f"{rule.flag} is not how {command} spells {rule.param}"


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
