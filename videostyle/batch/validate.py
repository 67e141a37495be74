"""Dry run: every job parsed by the real command, its files checked and its frames estimated before any work.

Problems with the manifest (typos, bad values, missing files, an image turned into a video) stop the whole
batch at second 0. An input that exists but cannot be decoded is not one of them: that job fails when it
runs and the others go on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import VideostyleError
from ..feedforward.builtin.catalog import is_builtin
from ..identity import JobIdentity, canonical, job_identity
from ..media import media_kind, probe_video
from ..timeline.options import style_key_files
from .commands import ClickException, Context, check_options, command, find_param, inapplicable, parse
from .manifest import Job, Manifest, ManifestError, options_to_argv

WORK_DIR_OPTION = "--work-dir"
"""Frame-level resume: video jobs get ``--work-dir DIR`` when their command accepts it (see runner)."""


@dataclass(frozen=True)
class Plan:
    """A validated job: the argv to run (from the command name on), where, and what to expect.

    ``id`` is the output's canonical path relative to the output folder: one spelling per file, so
    ``x.mp4``, ``./x.mp4`` and ``sub/../x.mp4`` are the same job. ``identity`` is what the output is
    made from (options and the content of every file the job reads), recorded when the job is done.
    """

    job: Job
    id: str
    argv: tuple[str, ...]
    output: Path
    frames: int | None
    device: str
    resumable: bool
    identity: JobIdentity

    @property
    def options_hash(self) -> str:
        return self.identity.options_sha256[:16]


def validate(manifest: Manifest, outdir: Path) -> list[Plan]:
    """Plans for every job, or ManifestError listing every problem of every job."""
    plans, problems = [], []
    for number, job in enumerate(manifest.jobs, 1):
        try:
            plans.append(plan_job(job, manifest.base, outdir))
        except (ClickException, VideostyleError) as exc:
            message = exc.format_message() if isinstance(exc, ClickException) else str(exc)
            problems.append(f"job {number} ({job.output}): {message}")
    first: dict[str, int] = {}
    for number, plan in enumerate(plans, 1):
        if plan.id in first:
            problems.append(f"jobs {first[plan.id]} and {number} both write {plan.output}; give each job its own output")
        first.setdefault(plan.id, number)
    if problems:
        raise ManifestError(problems)
    return plans


def plan_job(job: Job, base: Path, outdir: Path) -> Plan:
    """Parse one job with its command; raises ClickException or VideostyleError."""
    outdir = canonical(outdir)
    output = canonical(outdir / job.output)
    if not output.is_relative_to(outdir) or output == outdir:
        raise VideostyleError(f"output {job.output} is outside the output folder {outdir}; give a path inside it")
    source = canonical(base / job.input) if job.input is not None else None
    argv, ctx = _parsed(job, job.options, source, output)
    unused = set(inapplicable(job.command, ctx))
    dropped = {key for key in job.inherited if (p := find_param(command(job.command), f"--{key}")) is not None and p.name in unused}
    if dropped:  # defaults apply where they apply
        argv, ctx = _parsed(job, {k: v for k, v in job.options.items() if k not in dropped}, source, output)
    check_options(job.command, ctx)
    read = [source] if source is not None else []
    named = {**ctx.params, "style_at": style_key_files(ctx.params.get("style_at") or ())}  # paths inside TIME:FILE
    for name, value in named.items():  # every path the command reads must exist
        for path in value if isinstance(value, (list, tuple)) else [value]:
            if not isinstance(path, Path) or name == "output" or (name == "model" and is_builtin(path)):
                continue
            if not (base / path).exists():
                raise VideostyleError(f"{path} does not exist")
            read.append(canonical(base / path))
    kind_out = _check_kinds(job, source, output)
    return Plan(
        job=job,
        id=output.relative_to(outdir).as_posix(),
        argv=(job.command, *argv),
        output=output,
        frames=_estimate_frames(job, source, ctx.params),
        device=str(ctx.params.get("device", "auto")),
        resumable=kind_out == "video" and find_param(command(job.command), WORK_DIR_OPTION) is not None,
        identity=job_identity(job.command, argv, files=read),
    )


def _parsed(job: Job, options: dict, source: Path | None, output: Path) -> tuple[list[str], Context]:
    """The job's argv (input absolute, after ``--``: a file named -x.mp4 is not an option) and its parse."""
    argv = options_to_argv(job.command, options) + ["--output", str(output)]
    if source is not None:
        argv = argv + ["--data", str(source)] if job.command == "train" else argv + ["--", str(source)]
    return argv, parse(job.command, argv)


def _check_kinds(job: Job, source: Path | None, output: Path) -> str:
    if job.command == "train":
        if output.suffix != ".safetensors":
            raise VideostyleError(f"train writes a .safetensors model, not {output.name}")
        return "model"
    kind_out = media_kind(output, for_output=True)
    kind_in = media_kind(source or "")
    if kind_in != kind_out and not (job.command == "dream" and kind_in == "image"):  # dream: still -> zoom loop
        raise VideostyleError(f"cannot turn {kind_in} {job.input} into {kind_out} {output.name}")
    return kind_out


def _estimate_frames(job: Job, source: Path | None, params: dict) -> int | None:
    """Frames (images count 1, train counts steps); None when the input cannot be probed (the job will say why)."""
    if job.command == "train":
        return params["steps"]
    if media_kind(source or "") == "image":
        if media_kind(job.output, for_output=True) == "video":
            from ..dream.run import DEFAULT_FRAMES

            return params.get("frames") or DEFAULT_FRAMES
        return 1
    try:
        return probe_video(source).count_frames(params.get("start"), params.get("duration"))
    except VideostyleError:
        return None
