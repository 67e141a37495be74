"""Batch manifests: a TOML file of jobs, each a command line of the CLI written as a table.

    [defaults]            # options for every job
    device = "cpu"
    [defaults.stylize]    # options for the jobs of one command
    steps = 100
    [[job]]
    command = "stylize"
    input = "clips/a.mp4"
    output = "a__starry.mp4"
    style = ["styles/starry.jpg"]
    no-temporal = true

Keys are the CLI's long option names without ``--``; lists repeat the option; ``false`` gives a flag's
``--no-`` form. Relative inputs and option paths are relative to the manifest's folder, outputs to the
output folder and must stay inside it (duplicates are found on the canonical path: ``x.mp4``,
``./x.mp4`` and ``sub/../x.mp4`` are one output).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import VideostyleError

COMMANDS = ("stylize", "dream", "train")
"""The commands a batch job may run."""
RESERVED = ("command", "input", "output")
Value = str | int | float | bool | list


class ManifestError(VideostyleError):
    """A manifest or some of its jobs are invalid; the message lists every problem, one per line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Job:
    """One job: a CLI command, its input and output, and its options (defaults already merged in).

    ``inherited`` names the options that came from the manifest's defaults (or a sweep's shared options):
    they apply where they apply, so a default ``seed`` does not stop a job that runs a trained network.
    """

    command: str
    input: str | None
    output: str
    options: dict[str, Value] = field(default_factory=dict)
    inherited: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Manifest:
    """Jobs plus the folder their relative paths start from."""

    jobs: tuple[Job, ...]
    base: Path
    defaults: dict[str, Any] = field(default_factory=dict)


def load_manifest(path: str | os.PathLike) -> Manifest:
    """Read a manifest file; structural problems (not option values) are reported all at once."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError([f"manifest {path} does not exist"]) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ManifestError([f"manifest {path}: {exc}"]) from None
    return manifest_from_dict(data, path.resolve().parent)


def manifest_from_dict(data: dict[str, Any], base: Path) -> Manifest:
    """Build a Manifest from parsed TOML (also used by sweeps); every structural problem is listed."""
    problems = [f"unknown top-level key {key!r}; use [defaults] and [[job]]" for key in data if key not in ("defaults", "job")]
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        problems.append("defaults must be a table: [defaults] with key = value lines")
        defaults = {}
    problems += [
        f"[defaults.{key}]: no command {key!r}; use one of {', '.join(COMMANDS)}"
        for key, value in defaults.items()
        if isinstance(value, dict) and key not in COMMANDS
    ]
    shared = {k: v for k, v in defaults.items() if not isinstance(v, dict)}
    problems += _value_problems("[defaults]", {**shared, **{k: v for t in defaults.values() if isinstance(t, dict) for k, v in t.items()}})
    entries = data.get("job", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        problems.append("job must be a list of tables: one [[job]] header per job")
        entries = []
    if not entries:
        problems.append("the manifest has no [[job]] entries")
    jobs = []
    for number, entry in enumerate(entries, 1):
        name = entry.get("command")
        if name not in COMMANDS:
            problems.append(f"job {number}: command must be one of {', '.join(COMMANDS)}, not {name!r}")
            continue
        if not isinstance(entry.get("output"), str) or not entry["output"]:
            problems.append(f"job {number}: missing output = \"FILE\"")
            continue
        if "input" in entry and not isinstance(entry["input"], str):
            problems.append(f"job {number}: input must be a file name in quotes, not {entry['input']!r}")
            continue
        own = {k: v for k, v in entry.items() if k not in RESERVED}
        problems += _value_problems(f"job {number}", own)
        command_defaults = defaults.get(name, {})
        options = {**shared, **(command_defaults if isinstance(command_defaults, dict) else {}), **own}
        jobs.append(Job(name, entry.get("input"), entry["output"], options, frozenset(options) - frozenset(own)))
    outputs = [os.path.normpath(job.output) for job in jobs]  # the batch's dry run compares canonical paths too
    problems += [f"output {out} appears in {outputs.count(out)} jobs" for out in sorted(set(outputs)) if outputs.count(out) > 1]
    if problems:
        raise ManifestError(problems)
    return Manifest(tuple(jobs), base, defaults)


def _value_problems(where: str, options: dict[str, Any]) -> list[str]:
    """Option values must be what a command line can say: text, numbers, true/false, or lists of those."""
    def plain(value: Any) -> bool:
        return isinstance(value, (str, int, float, bool))

    return [
        f"{where}: {key} = {value!r} is not an option value (text, a number, true/false or a list of those)"
        for key, value in options.items()
        if not (plain(value) or (isinstance(value, list) and all(plain(v) for v in value)))
    ]


def dumps_manifest(defaults: dict[str, Value], jobs: list[Job]) -> str:
    """TOML text of a manifest (the small subset manifests use: strings, numbers, booleans, lists)."""
    lines = ["[defaults]", *(_pair(k, v) for k, v in defaults.items())]
    for job in jobs:
        lines += ["", "[[job]]", _pair("command", job.command)]
        if job.input is not None:
            lines.append(_pair("input", job.input))
        lines.append(_pair("output", job.output))
        lines += [_pair(k, v) for k, v in job.options.items() if defaults.get(k) != v]
    return "\n".join(lines) + "\n"


def _pair(key: str, value: Value) -> str:
    name = key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)
    return f"{name} = {_value(value)}"


def _value(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)
