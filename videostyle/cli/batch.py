"""`videostyle batch`: run a manifest of jobs, sweep inputs x styles, or show a batch's state.

    videostyle batch jobs.toml [-o OUT]          (short for `videostyle batch run jobs.toml`)
    videostyle batch stylize clips/ -s styles/ -o OUT [stylize options]
    videostyle batch status OUT
"""

from __future__ import annotations

import inspect
import os
import socket
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from ..batch import ManifestError, Manifest, prepare, read_records, run, sweep_manifest
from .grammar import GRAMMAR, ClickException, argv_to_options, command, find_param
from ..batch.sweep import MANIFEST_NAME
from .aliases import ALIASES, rewrite
from .batch_view import BatchView, plan_table
from .render import stderr

EXIT_USAGE, EXIT_SOME_FAILED = 2, 3


class BatchGroup(TyperGroup):
    """`videostyle batch FILE.toml ...` is `videostyle batch run FILE.toml ...`."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            return "run", self.commands["run"], args
        return super().resolve_command(ctx, args)


batch_app = typer.Typer(
    cls=BatchGroup, no_args_is_help=True,
    help="Many jobs in one command, resumable: `batch JOBS.toml` (same as `batch run JOBS.toml`), a sweep "
    "(`batch stylize`), or `batch status OUT`.",
)

Output = Annotated[Path | None, typer.Option("--output", "-o", help="Output folder (default: the manifest's folder).")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Validate every job and show the table; run nothing.")]
Retries = Annotated[int, typer.Option(min=0, max=100, help="Retry a job that failed other than by bad usage.")]
ExecutorOption = Annotated[Literal["local", "ray"], typer.Option(help="local: this machine; ray: a Ray cluster.")]
Gpus = Annotated[int, typer.Option(min=0, max=64, help="local: one worker per GPU (CUDA_VISIBLE_DEVICES).")]
RayAddress = Annotated[str | None, typer.Option(help="ray: auto or HOST:PORT of the head (default: start a local Ray).")]


@batch_app.command("run")
def run_manifest(
    manifest: Annotated[Path, typer.Argument(help="Manifest file (TOML).", show_default=False)],
    output: Output = None,
    dry_run: DryRun = False,
    retries: Retries = 0,
    executor: ExecutorOption = "local",
    gpus: Gpus = 0,
    ray_address: RayAddress = None,
) -> None:
    """Run every job of a manifest; jobs already done (same options, output intact) are skipped."""
    _execute(manifest, output, dry_run, retries, executor, gpus, ray_address)


SEQUENCES = ("--sequences", "--no-sequences")
"""The sweep's own switch: folders of numbered frames as one sequence input each, or every picture alone."""


@batch_app.command(
    "stylize",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []},
    add_help_option=False,
)
def sweep(args: Annotated[list[str] | None, typer.Argument(help="INPUTS... -s STYLES... -o OUT [options]")] = None) -> None:
    """Stylize every input (files or folders) with every style: INPUTS... -s STYLE... -o OUT, then stylize options.

    Outputs are named INPUT__STYLE.ext; the manifest is saved as OUT/batch.toml to repeat or resume the run.
    A folder whose pictures are all numbered frames of one sequence is one input (OUT/FOLDER__STYLE/PATTERN);
    --no-sequences makes each picture an input of its own (a camera's IMG_0001.jpg ...); --sequences is the default.
    Batch options (--dry-run, --retries, --executor, --gpus, --ray-address) are accepted too.
    """
    args = list(args or [])
    if not args or "--help" in args or "-h" in args:
        typer.echo(inspect.cleandoc(sweep.__doc__ or ""))
        return
    sequences = next((a == SEQUENCES[0] for a in reversed(args) if a in SEQUENCES), True)  # the last one given wins
    inputs, styles, batch_argv, style_argv = _split_sweep([a for a in args if a not in SEQUENCES])
    if not inputs or not styles or not any(a.partition("=")[0] in ("-o", "--output") or a.startswith("-o") for a in batch_argv):
        _usage(["give inputs, styles and an output folder: batch stylize INPUTS... -s STYLES... -o OUT"])
    ctx = _run_command().make_context("run", ["batch.toml", *batch_argv], resilient_parsing=False)
    outdir = Path(ctx.params["output"])
    try:
        options = argv_to_options("stylize", ["in.png", *style_argv, "-o", "out.png"], ignore=("input", "output", "style"))
        manifest = sweep_manifest([Path(p) for p in inputs], [Path(p) for p in styles], outdir, options, sequences=sequences)
    except ManifestError as error:
        _usage(error.problems)
    except ClickException as error:  # a stylize option is wrong
        _usage([error.format_message()])
    params = {k: v for k, v in ctx.params.items() if k not in ("manifest", "output")}
    _execute(manifest, outdir, **params, save_as=outdir / MANIFEST_NAME)  # saved once valid, under the batch's lock


@batch_app.command("status")
def status(outdir: Annotated[Path, typer.Argument(help="Output folder of a batch.", show_default=False)]) -> None:
    """Show each job's state (done, failed, pending, running) with its time and error."""
    records = read_records(outdir)
    if not records:
        _usage([f"no batch journal in {outdir}"])
    table = Table(box=None, header_style="bold")
    for name in ("job", "state", "frames", "seconds", "attempts", "detail"):
        table.add_column(name, justify="right" if name in ("frames", "seconds", "attempts") else "left")
    for record in records.values():
        detail = record.get("error") or (_running_detail(record) if record.state == "running" else "")
        seconds = record.get("seconds")
        table.add_row(
            escape(record.job), record.state, str(record.get("frames", "")), f"{seconds:.1f}" if seconds is not None else "",
            str(record.get("attempts", "")), escape(detail),
        )
    typer.echo(_render(table))
    counts = {s: sum(r.state == s for r in records.values()) for s in ("done", "failed", "pending", "running")}
    typer.echo(", ".join(f"{n} {s}" for s, n in counts.items()))


def _running_detail(record: Any) -> str:
    """Where a running job runs; a batch on this host that died (kill -9, reboot) shows as interrupted."""
    pid, host = record.get("pid"), record.get("host")
    if host == socket.gethostname() and isinstance(pid, int):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return f"interrupted (batch pid {pid} is gone); rerun the batch to resume"
        except PermissionError:
            pass
    return f"batch pid {pid} on {host}"


def _execute(
    manifest: Path | Manifest, output: Path | None, dry_run: bool, retries: int, executor: str, gpus: int,
    ray_address: str | None, save_as: Path | None = None,
) -> None:
    try:
        _, _, plans = prepare(manifest, output, grammar=GRAMMAR)
        if dry_run:
            typer.echo(_render(plan_table(plans)))
            typer.echo(f"{len(plans)} job{'s are' if len(plans) != 1 else ' is'} valid")
            return
        with BatchView() as view:
            results = run(manifest, output, executor, retries, gpus, ray_address, on_event=view, save_as=save_as, grammar=GRAMMAR)  # type: ignore[arg-type]
    except ManifestError as error:
        _usage(error.problems)
    failed = [r for r in results if r.state == "failed"]
    counts = {s: sum(r.state == s for r in results) for s in ("done", "skipped", "failed")}
    typer.echo(", ".join(f"{n} {s}" for s, n in counts.items()))
    if failed:
        raise typer.Exit(EXIT_SOME_FAILED)


def _split_sweep(args: list[str]) -> tuple[list[str], list[str], list[str], list[str]]:
    """Inputs, styles, batch options and stylize options, told apart by the two commands' own option tables."""
    run_cmd, stylize_cmd = _run_command(), command("stylize")
    inputs, styles, batch_argv, style_argv = [], [], [], []
    args, used = rewrite(args, ALIASES["stylize"])  # old spellings (--iterations 3) read as the current ones
    for old in used:
        typer.echo(f"note: {old} is now {ALIASES['stylize'][old]}; the old spelling goes in the next release", err=True)
    tokens = iter(args)
    for token in tokens:
        if not token.startswith("-") or token == "-":
            inputs.append(token)
            continue
        opt, _, inline = token.partition("=")
        param = find_param(run_cmd, opt) or find_param(stylize_cmd, opt)
        takes_value = param is not None and not getattr(param, "is_flag", False) and not inline
        words = [token, next(tokens, "")] if takes_value else [token]
        if opt in ("-s", "--style"):
            styles.append(words[-1] if takes_value else inline)
        elif find_param(run_cmd, opt) is not None:
            batch_argv += words
        else:
            style_argv += words
    return inputs, styles, batch_argv, style_argv


def _run_command() -> Any:
    return typer.main.get_command(batch_app).commands["run"]  # type: ignore[attr-defined]


def _render(table: Table) -> str:
    """The table as text for stdout: terminal width on a terminal, never truncated otherwise."""
    console = Console(width=stderr.width if stderr.is_terminal else 10_000, force_terminal=stderr.is_terminal)
    with console.capture() as capture:
        console.print(table)
    return "\n".join(line.rstrip() for line in capture.get().splitlines())


def _usage(problems: list[str]) -> None:
    for problem in problems:
        stderr.print(f"[red]error:[/red] {escape(problem)}", highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_USAGE)
