"""Refuse options that do not apply to the chosen engine or media, the same way in every command.

Each command lists its options that apply only in some situations, as rows of a table: the
parameter name, when it applies (a predicate on the :class:`Job`) and the phrase that says so.
An option typed on the command line where it does not apply is a usage error naming the option,
instead of being silently ignored. Flipping a rule (e.g. ``-s`` with an arbitrary-style ``--model``)
is an edit of one row.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import typer

from ..errors import UsageError
from ..media import media_kind


@dataclass(frozen=True)
class Job:
    """What decides whether an option applies: the engine and the kinds of input and output."""

    engine: str  # "optimization" | "model" | a command's own engine name
    input_kind: str | None  # "image" | "video" | None when there is no input file
    output_kind: str


@dataclass(frozen=True)
class Rule:
    """``param`` (the Python parameter name) applies only where ``applies(job)``; ``where`` says where."""

    param: str
    flag: str
    applies: Callable[[Job], bool]
    where: str
    hint: str = ""


def job_of(engine: str, source: Path | None, target: Path) -> Job:
    """The Job of a command; unknown extensions are left for the command's own checks to report."""
    return Job(engine, _kind(source) if source is not None else None, _kind(target) or "unknown")


def refuse_inapplicable(context: typer.Context, rules: Sequence[Rule], job: Job) -> None:
    """Raise a UsageError for the first option given on the command line that does not apply to ``job``."""
    for rule in rules:
        source = context.get_parameter_source(rule.param)
        given = source is not None and source.name == "COMMANDLINE"
        if given and not rule.applies(job):
            raise UsageError(f"{rule.flag} does not apply here: it is for {rule.where}{rule.hint}")


def check_options(command: str, context: typer.Context) -> None:
    """Every check of a command's parsed options that needs no file read: numbers are finite and each
    option given applies to the job. The command runs it first; a batch's dry run runs it per job."""
    for param in context.command.params:
        value = context.params.get(param.name)
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(item, float) and not math.isfinite(item):
                raise UsageError(f"{param.opts[0]} must be a finite number, not {item}")
    if command == "stylize":
        engine, rules = ("model" if context.params.get("model") is not None else "optimization"), STYLIZE_RULES
    elif command == "dream":
        engine, rules = "dream", DREAM_RULES
    else:
        return
    refuse_inapplicable(context, rules, job_of(engine, context.params.get("input"), context.params["output"]))


def _kind(path: Path) -> str | None:
    try:
        return media_kind(path)
    except Exception:  # noqa: BLE001 - an unknown extension is reported later, by the command's own checks
        return None


MODEL = lambda job: job.engine == "model"  # noqa: E731 - table predicates read best as one-liners
OPTIMIZATION = lambda job: job.engine == "optimization"  # noqa: E731
VIDEO_IN = lambda job: job.input_kind == "video"  # noqa: E731
VIDEO_OUT = lambda job: job.output_kind == "video"  # noqa: E731

OPTIMIZED_VIDEO = lambda job: OPTIMIZATION(job) and VIDEO_IN(job)  # noqa: E731
MODEL_VIDEO = lambda job: MODEL(job) and VIDEO_IN(job)  # noqa: E731

CHUNK_RULES: tuple[Rule, ...] = tuple(
    Rule(param, flag, VIDEO_OUT, "video output") for param, flag in (
        ("workers", "--workers"), ("gpus", "--gpus"), ("preroll", "--preroll"), ("executor", "--executor"), ("ray_address", "--ray-address"),
    )
)

# -s with --model is the model's own question (arbitrary-style models take it, fixed-style ones refuse it).
STYLIZE_RULES: tuple[Rule, ...] = (
    *(Rule(param, flag, OPTIMIZATION, "runs without --model") for param, flag in (
        ("steps", "--steps"), ("content_weight", "--content-weight"), ("style_weight", "--style-weight"),
        ("tv_weight", "--tv-weight"), ("style_strength", "--style-strength"), ("style_loss", "--style-loss"),
        ("color_init", "--color-init"), ("palette", "--palette"), ("structure_weight", "--structure-weight"),
        ("optimizer", "--optimizer"), ("lr", "--lr"), ("init", "--init"),
        ("scales", "--scales"), ("tile", "--tile"), ("style_scale", "--style-scale"),
    )),
    Rule("style_index", "--style-index", MODEL, "--model"),
    Rule("style_mix", "--style-mix", MODEL, "--model"),
    Rule("batch_size", "--batch-size", MODEL, "--model"),
    Rule("alpha", "--alpha", MODEL, "--model"),
    Rule("stabilize", "--stabilize", MODEL_VIDEO, "--model on a video"),
    Rule("stabilize_strength", "--stabilize-strength", MODEL_VIDEO, "--model --stabilize on a video"),
    Rule("passes", "--passes", OPTIMIZED_VIDEO, "videos stylized without --model"),
    Rule("pass_steps", "--pass-steps", OPTIMIZED_VIDEO, "videos stylized without --model"),
    Rule("pass_blend", "--pass-blend", OPTIMIZED_VIDEO, "videos stylized without --model"),
    Rule("long_term", "--long-term", OPTIMIZED_VIDEO, "videos stylized without --model"),
    Rule("warm_steps", "--warm-steps", OPTIMIZED_VIDEO, "videos stylized without --model"),
    *(Rule(param, flag, OPTIMIZED_VIDEO, "videos stylized without --model") for param, flag in (
        ("temporal_pool", "--temporal-pool"), ("temporal_detail", "--temporal-detail"),
        ("reliable_rate", "--reliable-rate"), ("warm_limit", "--warm-limit"),
    )),
    Rule("start", "--start", VIDEO_IN, "video input"),
    Rule("duration", "--duration", VIDEO_IN, "video input"),
    Rule("crf", "--crf", VIDEO_OUT, "video output"),
    Rule("preset", "--preset", VIDEO_OUT, "video output"),
    Rule("work_dir", "--work-dir", VIDEO_OUT, "video output"),
    *(Rule(param, flag, VIDEO_IN, "video input") for param, flag in (("style_at", "--style-at"), ("ease", "--ease"))),
    Rule("strength_at", "--strength-at", OPTIMIZED_VIDEO, "videos stylized without --model"),
    *CHUNK_RULES,
)

DREAM_RULES: tuple[Rule, ...] = (
    Rule("work_dir", "--work-dir", VIDEO_OUT, "video output"),
    *CHUNK_RULES,
    Rule("start", "--start", VIDEO_IN, "video input"),
    Rule("duration", "--duration", VIDEO_IN, "video input"),
    Rule("crf", "--crf", VIDEO_OUT, "video output"),
    Rule("preset", "--preset", VIDEO_OUT, "video output"),
)
