"""Dry run: every job parsed by the real command, its files checked and its frames estimated before any work.

Problems with the manifest (typos, bad values, missing files, an image turned into a video) stop the whole
batch at second 0. An input that exists but cannot be decoded is not one of them: that job fails when it
runs and the others go on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import VideostyleError
from ..feedforward.builtin.names import is_builtin
from ..identity import JobIdentity, canonical, job_identity
from ..media import media_kind, probe_video
from ..media.sequences import find_sequence, is_pattern, is_sequence
from ..timeline.options import style_key_files
from .grammar import Grammar, Parsed
from .manifest import Job, Manifest, ManifestError

MASK_ALPHA = "alpha"
"""``--mask alpha`` (video.matte.ALPHA, not imported here: it pulls in torch and OpenCV) names no file."""

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


def validate(manifest: Manifest, outdir: Path, grammar: Grammar) -> list[Plan]:
    """Plans for every job, or ManifestError listing every problem of every job."""
    plans, problems = [], []
    for number, job in enumerate(manifest.jobs, 1):
        try:
            plans.append(plan_job(job, manifest.base, outdir, grammar))
        except VideostyleError as exc:
            problems.append(f"job {number} ({job.output}): {exc}")
    first: dict[str, int] = {}
    for number, plan in enumerate(plans, 1):
        if plan.id in first:
            problems.append(f"jobs {first[plan.id]} and {number} both write {plan.output}; give each job its own output")
        first.setdefault(plan.id, number)
    if problems:
        raise ManifestError(problems)
    return plans


def plan_job(job: Job, base: Path, outdir: Path, grammar: Grammar) -> Plan:
    """Parse one job with its command's grammar; raises VideostyleError."""
    outdir = canonical(outdir)
    output = canonical(outdir / job.output)
    if not output.is_relative_to(outdir) or output == outdir:
        raise VideostyleError(f"output {job.output} is outside the output folder {outdir}; give a path inside it")
    source = canonical(base / job.input) if job.input is not None else None
    argv, ctx = _parsed(grammar, job, job.options, source, output)
    dropped = job.inherited & set(grammar.unused(job.command, ctx))
    if dropped:  # defaults apply where they apply
        argv, ctx = _parsed(grammar, job, {k: v for k, v in job.options.items() if k not in dropped}, source, output)
    grammar.check(job.command, ctx)
    start_number = ctx.params.get("start_number")
    media = job.command != "train"  # a folder given as a video command's input or mask is a sequence
    read = _files_read(source, start_number, folder_is_sequence=media) if source is not None else []
    named = {**ctx.params, "style_at": style_key_files(ctx.params.get("style_at") or ())}  # paths inside TIME:FILE
    for name, value in named.items():  # every path the command reads must exist
        for path in value if isinstance(value, (list, tuple)) else [value]:
            if name == "mask" and isinstance(path, str) and path != MASK_ALPHA:
                path = Path(path)  # --mask FILE|alpha is a string option
            if not isinstance(path, Path) or name in ("output", "input") or (name == "model" and is_builtin(path)):
                continue
            read += _files_read(base / path, None, folder_is_sequence=media and name == "mask")
    kind_out = _check_kinds(job, source, output)
    return Plan(
        job=job,
        id=output.relative_to(outdir).as_posix(),
        argv=(job.command, *argv),
        output=output,
        frames=_estimate_frames(job, source, ctx.params),
        device=str(ctx.params.get("device", "auto")),
        # a loop renders its clip in one chain and refuses --work-dir: it reruns whole
        resumable=kind_out == "video" and grammar.accepts(job.command, WORK_DIR_OPTION) and not ctx.params.get("loop"),
        identity=job_identity(job.command, argv, files=read),
    )


def _files_read(path: Path, start_number: int | None, folder_is_sequence: bool) -> list[Path]:
    """The files a job reads for ``path``: a sequence's frames (so a changed frame makes a new job), or
    the path itself; one that does not exist is a problem of the manifest."""
    if is_pattern(path) or (folder_is_sequence and is_sequence(path)):
        return [canonical(frame) for frame in find_sequence(path, start_number).files()]
    if not path.exists():
        raise VideostyleError(f"{path} does not exist")
    return [canonical(path)]


def _parsed(grammar: Grammar, job: Job, options: dict, source: Path | None, output: Path) -> tuple[list[str], Parsed]:
    """The job's argv (input absolute, after ``--``: a file named -x.mp4 is not an option) and its parse."""
    argv = grammar.to_argv(job.command, options) + ["--output", str(output)]
    if source is not None:
        argv = argv + ["--data", str(source)] if job.command == "train" else argv + ["--", str(source)]
    return argv, grammar.parse(job.command, argv)


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
