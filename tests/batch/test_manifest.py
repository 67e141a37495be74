"""Manifests: CLI option names and values both ways, defaults per command, every structural problem at once."""

import tomllib

import pytest

from videostyle.batch import ManifestError, load_manifest
from videostyle.batch.manifest import dumps_manifest
from videostyle.cli.grammar import argv_to_options, options_to_argv


def test_options_become_the_cli_argv():
    argv = options_to_argv("stylize", {"size": 32, "style": ["a.png", "b.png"], "no-temporal": True, "scene-cuts": False, "overwrite": False})
    assert argv == ["--size", "32", "--style", "a.png", "--style", "b.png", "--no-temporal", "--no-scene-cuts"]


def test_argv_round_trips_through_options():
    argv = ["in.mp4", "-s", "a.png", "--size", "48", "--no-scene-cuts", "--optimizer", "lbfgs", "-o", "o.mp4"]
    options = argv_to_options("stylize", argv, ignore=("input", "output"))
    assert options == {"style": ["a.png"], "size": 48, "optimizer": "lbfgs", "scene-cuts": False}
    back = argv_to_options("stylize", ["in.mp4", *options_to_argv("stylize", options), "-o", "o.mp4"], ignore=("input", "output"))
    assert back == options


def test_defaults_apply_per_command_and_jobs_override(tmp_path):
    path = tmp_path / "jobs.toml"
    path.write_text(
        '[defaults]\ndevice = "cpu"\nsize = 32\n[defaults.dream]\nsteps = 1\n'
        '[[job]]\ncommand = "dream"\ninput = "a.png"\noutput = "a.png"\nsize = 64\n'
        '[[job]]\ncommand = "stylize"\ninput = "a.png"\noutput = "b.png"\n'
    )
    dream, stylize = load_manifest(path).jobs
    assert dream.options == {"device": "cpu", "size": 64, "steps": 1}
    assert stylize.options == {"device": "cpu", "size": 32}


def test_structural_problems_are_listed_together(tmp_path):
    path = tmp_path / "jobs.toml"
    path.write_text(
        'jobs = 1\n[defaults.paint]\nsize = 3\n[[job]]\ncommand = "paint"\noutput = "a.png"\n[[job]]\ncommand = "stylize"\n'
        '[[job]]\ncommand = "dream"\noutput = "x.png"\n[[job]]\ncommand = "dream"\noutput = "x.png"\n'
    )
    with pytest.raises(ManifestError) as error:
        load_manifest(path)
    text = str(error.value)
    assert len(error.value.problems) == 5
    assert "[defaults.paint]" in text and "'jobs'" in text and "'paint'" in text and "job 2: missing output" in text and "x.png appears in 2 jobs" in text


def test_dumped_manifest_is_valid_toml_with_escapes(tmp_path):
    from videostyle.batch import Job

    text = dumps_manifest({"size": 32}, [Job("stylize", 'we"ird\\ name.png', "o.png", {"size": 32, "lr": 0.5, "style": ["ü.png"]})])
    data = tomllib.loads(text)
    assert data["defaults"] == {"size": 32}
    assert data["job"] == [{"command": "stylize", "input": 'we"ird\\ name.png', "output": "o.png", "lr": 0.5, "style": ["ü.png"]}]
