"""Commands declared from the library's option classes: their parameters, their values and what applies.

A command names the option classes each of its engines reads (``Engine``); its typer parameters are
made from the classes' specs (videostyle.spec), its values go back into the same classes by field
name (``build``), and an option typed on the command line that the chosen engine does not read, or
that does not fit the job's media, is a usage error naming where it applies (``refuse_ignored``).
Nothing here names an option: adding one is a field in its class.
"""

from __future__ import annotations

import inspect
import math
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from ..errors import UsageError
from ..spec import Spec, specs

MEDIA_PHRASES = {
    "video-in": "video input",
    "video-out": "video output",
    "video-any": "video or image-sequence input or output",
    "still-to-video": "a zoom loop made from a still (an image in, a video out)",
}


@dataclass(frozen=True)
class Engine:
    """One way a command runs: the option classes it reads and the phrase that says when it is chosen."""

    name: str
    where: str
    groups: tuple[type, ...]


@dataclass(frozen=True)
class Job:
    """What decides whether an option applies: the engine and the kinds of input and output."""

    engine: str
    input_kind: str | None  # "image" | "video" | None when there is no input file
    output_kind: str


@dataclass(frozen=True)
class Declaration:
    """A command's engines, the classes every engine reads (``common``), and how the engine is chosen."""

    engines: tuple[Engine, ...]
    common: tuple[type, ...]
    engine_of: Callable[[Mapping[str, Any]], str]
    panels: Mapping[type, str]
    extras: Callable[[type, Mapping[str, Any]], dict[str, Any]] = lambda cls, params: {}
    """Fields a class takes from the command's own parameters (e.g. the style images of -s)."""

    def build(self, cls: type, params: Mapping[str, Any], given: Iterable[str] = (), quality: str = "standard") -> Any:
        """``cls`` from the command's parameters, with its extras; the fields the user did not ``given`` take
        preset ``quality``'s values (videostyle.presets) where it has some."""
        from ..presets import preset_values

        preset = preset_values(quality, cls, frozenset(given))
        return build(cls, params, **self.extras(cls, params), **preset)

    def groups(self) -> list[type]:
        seen: list[type] = []
        for cls in (*(g for e in self.engines for g in e.groups), *self.common):
            if cls not in seen:
                seen.append(cls)
        return seen

    def engine(self, name: str) -> Engine:
        return next(e for e in self.engines if e.name == name)


DECLARATIONS: dict[str, Declaration] = {}
"""Command name -> its declaration, for the checks a batch's dry run runs per job."""


def declare(name: str, declaration: Declaration, head: Sequence[inspect.Parameter]) -> Callable[[Callable], Callable]:
    """Give the command function ``head`` (its context, arguments and own options) then every option of its classes."""

    def wrap(fn: Callable) -> Callable:
        params = [*head, *parameters(declaration.groups(), declaration.panels)]
        fn.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        DECLARATIONS[name] = declaration
        return fn

    return wrap


def parameters(groups: Iterable[type], panels: Mapping[type, str] = {}) -> list[inspect.Parameter]:
    """One keyword parameter per command-line field of ``groups``; a field shared by two classes is one option."""
    made: dict[str, tuple[Spec, Any]] = {}
    params = []
    for cls in groups:
        for f, spec, hint in specs(cls):
            if not spec.cli:
                continue
            if f.name in made:
                if made[f.name] != (spec, f.default):
                    raise TypeError(f"{f.name} is declared twice with different specs or defaults ({cls.__name__})")
                continue
            made[f.name] = (spec, f.default)
            kind = cli_type(spec, hint, f.default)
            info = typer.Option(
                *_decls(f.name, spec, kind), help=_help(spec, kind), hidden=spec.hidden, metavar=spec.metavar or _metavar(kind),
                rich_help_panel=panels.get(cls), show_default=_shown_default(spec, f.default),
                **_bounds(spec, kind),
            )
            params.append(inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=_cli_default(spec, f.default),
                                            annotation=Annotated[kind, info]))
    return params


def option_type(cls: type, name: str) -> Any:
    """The annotated type of field ``name`` of ``cls`` as an option, for a command written by hand."""
    return next(p.annotation for p in parameters([cls]) if p.name == name)


def cli_type(spec: Spec, hint: Any, default: Any) -> Any:
    """The type the command line parses: text for parsed fields, a Literal of the choices, else the field's type."""
    if spec.repeat:
        return list[str] | None
    if spec.text is not None:
        return str | None
    if spec.choices is not None:
        choice = Literal[spec.choices]  # type: ignore[valid-type]
        return choice | None if default is None else choice
    return hint


def build(cls: type, params: Mapping[str, Any], **extra: Any) -> Any:
    """An instance of ``cls`` from the command's parameters of the same names (parsed where the spec says);
    ``extra`` fields win over the parameters."""
    kwargs = {}
    for f, spec, _ in specs(cls):
        if not spec.cli or f.name not in params:
            continue
        value = params[f.name]
        if spec.repeat:
            if not value:
                continue
            value = tuple(spec.text(v) if spec.text else v for v in value)
        elif spec.text is not None:
            if value is None:
                continue
            value = spec.text(value)
        kwargs[f.name] = value
    return cls(**{**kwargs, **extra})


def given(context: typer.Context) -> list[str]:
    """The names of the parameters typed on the command line (not defaults)."""
    names = []
    for name in context.params:
        source = context.get_parameter_source(name)
        if source is not None and source.name == "COMMANDLINE":
            names.append(name)
    return names


def job_quality(context: typer.Context, declaration: Declaration, optimizing: bool, device: Any) -> str:
    """The preset a job runs with: ``--quality``, ``auto`` made concrete from the media, engine and device."""
    from ..presets import QualityOptions

    params = context.params
    video = "video" in (_kind(params.get("input")), _kind(params["output"]))
    asked = build(QualityOptions, params)
    quality = asked.resolved(video=video, optimizing=optimizing, cpu=device.type == "cpu")
    if asked.quality == "auto" and quality == "draft" and not params.get("quiet"):
        from .render import stderr

        stderr.print("quality: draft (a video by optimization on the CPU); --quality standard or fine for more",
                     highlight=False, soft_wrap=True)
    return quality


def check_options(command: str, context: typer.Context) -> None:
    """Every check of a command's parsed options that needs no file read: numbers are finite and each
    option given applies to the job. The command runs it first; a batch's dry run runs it per job."""
    for param in context.command.params:
        value = context.params.get(param.name)
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(item, float) and not math.isfinite(item):
                raise UsageError(f"{param.opts[0]} must be a finite number, not {item}")
    declaration = DECLARATIONS.get(command)
    if declaration is None:
        return
    params = context.params
    job = job_of(declaration.engine_of(params), params.get("input"), params["output"])
    refuse_ignored(declaration, given(context), job)
    for cls in (*declaration.engine(job.engine).groups, *declaration.common):
        declaration.build(cls, params)  # each class checks its own values (ranges, choices, combinations)


def job_of(engine: str, source: Path | None, target: Path) -> Job:
    """The Job of a command; unknown extensions are left for the command's own checks to report."""
    return Job(engine, _kind(source) if source is not None else None, _kind(target) or "unknown")


def refuse_ignored(declaration: Declaration, names: Iterable[str], job: Job) -> None:
    """A UsageError for the first option in ``names`` that the job's engine does not read or its media do not use."""
    for name in names:
        reason = why_ignored(declaration, name, job)
        if reason is not None:
            raise UsageError(reason)


def inapplicable(command: str, context: typer.Context) -> list[str]:
    """The parameters typed on the command line that the job would not use (a batch drops inherited ones)."""
    declaration = DECLARATIONS.get(command)
    if declaration is None:
        return []
    params = context.params
    job = job_of(declaration.engine_of(params), params.get("input"), params["output"])
    return [name for name in given(context) if why_ignored(declaration, name, job) is not None]


def why_ignored(declaration: Declaration, name: str, job: Job) -> str | None:
    """Why option ``name`` does not apply to ``job`` (the usage error's text), or None when it does."""
    chosen = declaration.engine(job.engine)
    owners = [cls for cls in declaration.groups() if any(f.name == name for f, _, _ in specs(cls))]
    if not owners:
        return None  # the command's own arguments and options
    read = [cls for cls in (*chosen.groups, *declaration.common) if cls in owners]
    if not read:
        engines = [e.where for e in declaration.engines if any(cls in e.groups for cls in owners)]
        return f"{_flag_of(owners[0], name)} does not apply here: it is for {' or '.join(engines)}"
    reasons = []
    for cls in read:  # it applies where any class that reads it uses it
        spec = next(spec for f, spec, _ in specs(cls) if f.name == name)
        if spec.engines is not None and job.engine not in spec.engines:
            reasons.append(" or ".join(e.where for e in declaration.engines if e.name in spec.engines))
            continue
        media = spec.media or getattr(cls, "MEDIA", None)
        if media is None or _fits(media, job):
            return None
        engine = "" if cls in declaration.common or len(declaration.engines) == 1 else f"{chosen.where} on "
        reasons.append(f"{engine}{MEDIA_PHRASES[media]}")
    return f"{_flag_of(read[0], name)} does not apply here: it is for {' or '.join(reasons)}"


def _fits(media: str, job: Job) -> bool:
    if media == "video-any":
        return "video" in (job.input_kind, job.output_kind)
    if media == "video-in":
        return job.input_kind == "video"
    if media == "video-out":
        return job.output_kind == "video"
    return job.input_kind == "image" and job.output_kind == "video"


def _flag_of(cls: type, name: str) -> str:
    return next(spec.primary(name) for f, spec, _ in specs(cls) if f.name == name)


def _kind(path: Path | None) -> str | None:
    if path is None:
        return None
    from ..media.kinds import media_kind  # loads the decoders: only when a job is checked, not for --help

    try:
        return media_kind(path)
    except Exception:  # noqa: BLE001 - an unknown extension is reported later, by the command's own checks
        return None


def _decls(name: str, spec: Spec, kind: Any) -> tuple[str, ...]:
    if kind is bool and spec.flag is None:
        dashed = name.replace("_", "-")
        return (f"--{dashed}/--no-{dashed}",)
    return spec.flags(name)


def _numbers(kind: Any) -> set[Any]:
    return {a for a in typing.get_args(kind)} - {type(None)} or {kind}


def _metavar(kind: Any) -> str | None:
    """N, F, TEXT or FILE rather than typer's <int range>, <float>, <str>, <path> (choices keep their list)."""
    names = {int: "N", float: "F", str: "TEXT", Path: "FILE"}
    base = _numbers(kind)
    return names.get(next(iter(base))) if len(base) == 1 else None


def _help(spec: Spec, kind: Any) -> str:
    """The help, with a float's range (click shows an int's; a float's is checked by its class, NaN first)."""
    return f"{spec.help} [{spec.range_text()}]" if _numbers(kind) == {float} and spec.range_text() else spec.help


def _bounds(spec: Spec, kind: Any) -> dict[str, float]:
    """An int's bounds go to click (shown in --help, checked while parsing); a float's are its class's check."""
    if _numbers(kind) != {int}:
        return {}
    bounds = {}
    if spec.lo is not None and not spec.lo_open:
        bounds["min"] = spec.lo
    if spec.hi is not None:
        bounds["max"] = spec.hi
    return bounds


def _cli_default(spec: Spec, default: Any) -> Any:
    if spec.repeat or spec.text is not None:
        return None
    return default


def _shown_default(spec: Spec, default: Any) -> bool | str:
    if spec.repeat or spec.text is not None:
        return False if default in (None, ()) else str(default)
    return default is not None


def head_param(name: str, kind: Any, default: Any = inspect.Parameter.empty) -> inspect.Parameter:
    """A command's own parameter (its context, arguments, or an option no option class holds)."""
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY if name != "context" else inspect.Parameter.POSITIONAL_OR_KEYWORD,
                             default=default, annotation=kind)


__all__ = ["DECLARATIONS", "Declaration", "Engine", "Job", "build", "check_options", "declare", "given", "head_param",
           "inapplicable", "refuse_ignored", "why_ignored"]
