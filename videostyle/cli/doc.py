"""The manual's option tables (docs/options.md), written from the option classes' specs.

``python -m videostyle.cli.doc > docs/options.md`` regenerates the page; tests/cli/test_options_doc.py
fails when the page and the specs disagree.
"""

from __future__ import annotations

from dataclasses import MISSING

from ..spec import Spec, specs
from .declare import DECLARATIONS, MEDIA_PHRASES, Declaration


def page() -> str:
    """docs/options.md: per command, per group of options, one row per option."""
    from . import app  # noqa: F401 - registers every command's declaration

    lines = [
        "# Options",
        "",
        "Generated from the option classes by `python -m videostyle.cli.doc` (a test checks it is current).",
        "Each option is a field of a library class of the same name (`--temporal-pool` is",
        "`TemporalOptions.temporal_pool`); an option given where its engine or media do not use it is refused.",
    ]
    for command, declaration in sorted(DECLARATIONS.items()):
        lines += ["", f"## videostyle {command}"]
        for title, groups in _panels(declaration):
            lines += ["", f"### {title}", "", "| option | default | values | for | meaning |", "| --- | --- | --- | --- | --- |"]
            seen = set()
            for cls in groups:
                for f, spec, _ in specs(cls):
                    if not spec.cli or spec.hidden or f.name in seen:
                        continue
                    seen.add(f.name)
                    lines.append(_row(declaration, cls, f.name, spec, f.default))
    return "\n".join(lines) + "\n"


def _panels(declaration: Declaration) -> list[tuple[str, list[type]]]:
    panels: dict[str, list[type]] = {}
    for cls in declaration.groups():
        panels.setdefault(declaration.panels.get(cls, "Options"), []).append(cls)
    return list(panels.items())


def _row(declaration: Declaration, cls: type, name: str, spec: Spec, default: object) -> str:
    flags = " ".join(f"`{flag}`" for flag in spec.flags(name))
    shown = "" if default is MISSING or default in (None, ()) else f"`{default}`"
    values = " \\| ".join(spec.choices) if spec.choices else spec.range_text()
    engines = [e.where for e in declaration.engines if cls in e.groups and (spec.engines is None or e.name in spec.engines)]
    media = spec.media or getattr(cls, "MEDIA", None)
    where = "; ".join(filter(None, [" or ".join(engines) if len(declaration.engines) > 1 and len(engines) < len(declaration.engines) else "",
                                    MEDIA_PHRASES[media] if media else ""]))
    return f"| {flags} | {shown} | {values} | {where} | {spec.help.replace('|', chr(92) + '|')} |"


if __name__ == "__main__":
    print(page(), end="")
