"""Dry run: every job parsed by the real command, its files checked and its frames estimated before any work.

Problems with the manifest (typos, bad values, missing files, an image turned into a video) stop the whole
batch at second 0. An input that exists but cannot be decoded is not one of them: that job fails when it
runs and the others go on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import VideostyleError
from ..media import media_kind, probe_video
from .commands import ClickException, command, find_param, parse
from .manifest import Job, Manifest, ManifestError, options_to_argv

WORK_DIR_OPTION = "--work-dir"
"""Frame-level resume: video jobs get ``--work-dir DIR`` when their command accepts it (see runner)."""


@dataclass(frozen=True)
class Plan:
    """A validated job: the argv to run (from the command name on), where, and what to expect."""

    job: Job
    argv: tuple[str, ...]
    output: Path
    frames: int | None
    device: str
    resumable: bool
    options_hash: str

    @property
    def id(self) -> str:
        return self.job.id


def validate(manifest: Manifest, outdir: Path) -> list[Plan]:
    """Plans for every job, or ManifestError listing every problem of every job."""
    plans, problems = [], []
    for number, job in enumerate(manifest.jobs, 1):
        try:
            plans.append(plan_job(job, manifest.base, outdir))
        except (ClickException, VideostyleError) as exc:
            message = exc.format_message() if isinstance(exc, ClickException) else str(exc)
            problems.append(f"job {number} ({job.output}): {message}")
    if problems:
        raise ManifestError(problems)
    return plans


def plan_job(job: Job, base: Path, outdir: Path) -> Plan:
    """Parse one job with its command; raises ClickException or VideostyleError."""
    output = (outdir / job.output).resolve()
    argv = [*([job.input] if job.input is not None and job.command != "train" else [])]
    if job.command == "train" and job.input is not None:
        argv += ["--data", job.input]
    argv += options_to_argv(job.command, job.options) + ["--output", str(output)]
    params = parse(job.command, argv).params
    for name, value in params.items():  # every path the command reads must exist
        for path in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(path, Path) and name != "output" and not (base / path).exists():
                raise VideostyleError(f"{path} does not exist")
    kind_out = _check_kinds(job, base, output)
    return Plan(
        job=job,
        argv=(job.command, *argv),
        output=output,
        frames=_estimate_frames(job, base, params),
        device=str(params.get("device", "auto")),
        resumable=kind_out == "video" and find_param(command(job.command), WORK_DIR_OPTION) is not None,
        options_hash=hashlib.sha256(json.dumps([job.command, job.input, job.output, job.options], sort_keys=True).encode()).hexdigest()[:16],
    )


def _check_kinds(job: Job, base: Path, output: Path) -> str:
    if job.command == "train":
        if output.suffix != ".safetensors":
            raise VideostyleError(f"train writes a .safetensors model, not {output.name}")
        return "model"
    kind_out = media_kind(output, for_output=True)
    kind_in = media_kind(job.input or "")
    if kind_in != kind_out and not (job.command == "dream" and kind_in == "image"):  # dream: still -> zoom loop
        raise VideostyleError(f"cannot turn {kind_in} {job.input} into {kind_out} {output.name}")
    return kind_out


def _estimate_frames(job: Job, base: Path, params: dict) -> int | None:
    """Frames (images count 1, train counts steps); None when the input cannot be probed (the job will say why)."""
    if job.command == "train":
        return params["steps"]
    if media_kind(job.input or "") == "image":
        if media_kind(job.output, for_output=True) == "video":
            from ..dream.run import DEFAULT_FRAMES

            return params.get("frames") or DEFAULT_FRAMES
        return 1
    try:
        return probe_video(base / job.input).count_frames(params.get("start"), params.get("duration"))
    except VideostyleError:
        return None
