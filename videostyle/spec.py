"""One declaration per option: a spec beside the library field it sets.

An options dataclass declares each field with :func:`option`: its default, range or choices, help
text and where it applies (``media``). Everything else is derived from that one place: the checks
the dataclass runs on construction (:func:`check`), the command-line parameters (``cli.declare``),
the usage errors for options that do not apply to a job, and the option tables of the manual. The
field's name is the flag's name (``steps`` is ``--steps``), so a CLI parameter and a manifest key
set the field of the same name.
"""

from __future__ import annotations

import math
import typing
from collections.abc import Callable, Sequence
from dataclasses import MISSING, Field, dataclass, field, fields
from functools import cache
from typing import Any, Literal

from .errors import OptionError

Media = Literal["video-in", "video-out", "video-any", "still-to-video"]
"""Where an option means something beyond its engine: with a video (or image-sequence) input, output,
either, or where a still becomes a video (a zoom loop)."""


@dataclass(frozen=True)
class Spec:
    """What the command line and the docs need to know about one option.

    ``lo``/``hi`` bound numbers (inclusive; ``lo_open`` excludes ``lo``); ``choices`` names the
    accepted words; ``flag`` overrides the flag derived from the field name (``--class``, a keyword
    in Python; ``--overwrite`` alone for a one-way switch); ``text`` parses the command line's text
    into the field's value (lists written ``a,b``); ``repeat`` takes the option several times, each
    parsed by ``text``. ``engines`` narrows a field to some of the engines that read its class. ``cli`` False keeps a field out of the command line (library-only tuning).
    """

    help: str = ""
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    choices: tuple[str, ...] | None = None
    flag: str | None = None
    short: str | None = None
    media: Media | None = None
    text: Callable[[str], Any] | None = None
    repeat: bool = False
    cli: bool = True
    hidden: bool = False
    engines: tuple[str, ...] | None = None
    metavar: str | None = None

    def flags(self, name: str) -> tuple[str, ...]:
        """The spellings on the command line: the field name's (or ``flag``), then the short one."""
        return (self.flag or "--" + name.replace("_", "-"),) + ((self.short,) if self.short else ())

    def primary(self, name: str) -> str:
        """``--steps``: the first spelling, without a boolean's ``/--no-…`` half."""
        return self.flags(name)[0].split("/")[0]

    def range_text(self) -> str:
        if self.lo is None and self.hi is None:
            return ""
        lo = "" if self.lo is None else _number(self.lo)
        hi = "" if self.hi is None else _number(self.hi)
        return f"({lo}, {hi}]" if self.lo_open else f"{lo}..{hi}"


SPEC = "videostyle.spec"


def option(default: Any = MISSING, help: str = "", *, spec: Spec | None = None, **fields_of_spec: Any) -> Any:
    """A dataclass field with its option spec (see :class:`Spec`): its own, or a shared ``spec``."""
    own = spec if spec is not None else Spec(help=help, **fields_of_spec)
    return field(default=default, metadata={SPEC: own})


def spec_of(f: Field) -> Spec | None:
    return f.metadata.get(SPEC)


@cache
def specs(cls: type) -> tuple[tuple[Field, Spec, Any], ...]:
    """(field, spec, resolved type) of every field of ``cls`` declared with :func:`option`."""
    hints = typing.get_type_hints(cls)
    return tuple((f, s, hints[f.name]) for f in fields(cls) if (s := spec_of(f)) is not None)


def check(options: Any) -> None:
    """Raise OptionError for the first field outside its spec: not finite, out of range, not a choice."""
    for f, spec, _ in specs(type(options)):
        value = getattr(options, f.name)
        for item in value if isinstance(value, tuple) else (value,):
            _check_value(spec, f.name, item)


def _check_value(spec: Spec, name: str, value: Any) -> None:
    flag = spec.primary(name)
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, float) and not math.isfinite(value):
        raise OptionError(f"{flag} must be a finite number, not {value}")
    if isinstance(value, (int, float)) and (spec.lo is not None or spec.hi is not None):
        low_ok = spec.lo is None or (value > spec.lo if spec.lo_open else value >= spec.lo)
        if not (low_ok and (spec.hi is None or value <= spec.hi)):
            raise OptionError(f"{flag} {value} is out of range {spec.range_text()}")
    if spec.choices is not None and isinstance(value, str) and value not in spec.choices:
        raise OptionError(f"unknown {name.replace('_', ' ')} {value!r} ({flag}); choose one of {', '.join(spec.choices)}")


def split_text(kind: type) -> Callable[[str], tuple]:
    """The parser of a comma-separated list option: ``'0.7,0.3'`` -> ``(0.7, 0.3)``."""

    def parse(text: str) -> tuple:
        items = [item.strip() for item in text.split(",") if item.strip()]
        try:
            values = tuple(kind(item) for item in items)
        except ValueError:
            what = "names like a,b" if kind is str else "numbers like 0.7,0.3"
            raise OptionError(f"expected comma-separated {what}, not {text!r}") from None
        if not values:
            raise OptionError(f"expected a comma-separated list, not {text!r}")
        return values

    return parse


def _number(value: float) -> str:
    return f"{value:g}" if not float(value).is_integer() or abs(value) < 1e6 else f"{value:.0e}".replace("+0", "")


def given_fields(cls: type, params: dict[str, Any]) -> dict[str, Any]:
    """The values of ``params`` that set fields of ``cls`` (its command-line fields, by name)."""
    return {f.name: params[f.name] for f, spec, _ in specs(cls) if spec.cli and f.name in params}


def names(groups: Sequence[type]) -> frozenset[str]:
    """Every command-line field name of the option classes ``groups``."""
    return frozenset(f.name for cls in groups for f, spec, _ in specs(cls) if spec.cli)
