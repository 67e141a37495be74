"""Sweeps: every input (files, or folders searched recursively) with every style, as a manifest.

Outputs are named ``<input stem>__<style stem><input extension>`` and keep the input's sub-folder, so
``clips/a/x.mp4`` with ``starry.jpg`` becomes ``OUT/a/x__starry.mp4``. The manifest is written to
``OUT/batch.toml`` so the same run can be repeated or resumed with ``videostyle batch OUT/batch.toml``.
"""

from __future__ import annotations

from pathlib import Path

from ..media import IMAGE_EXTS, VIDEO_EXTS
from ..media.atomic import atomic_output
from .manifest import Job, Manifest, ManifestError, Value, dumps_manifest

MANIFEST_NAME = "batch.toml"


def find_media(
    paths: list[Path], exts: frozenset[str], skip: Path | None = None
) -> tuple[list[tuple[Path, Path]], list[str]]:
    """(file, path relative to the folder it was found in) for each media file, and the paths that do not exist.

    Folders are searched recursively, but not hidden files or folders (a batch's ``.videostyle`` state,
    the ``.NAME.part`` files of a run still writing) nor the folder ``skip`` (the sweep's own outputs).
    """
    found, missing = [], []
    skip = skip.resolve() if skip is not None else None
    for path in paths:
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                inside = p.relative_to(path)
                if any(part.startswith(".") for part in inside.parts) or not p.is_file() or p.suffix.lower() not in exts:
                    continue
                if skip is not None and p.resolve().is_relative_to(skip) and not path.resolve().is_relative_to(skip):
                    continue
                found.append((p, inside))
        elif path.is_file():
            found.append((path, Path(path.name)))
        else:
            missing.append(f"{path} does not exist")
    return found, missing


def sweep_manifest(
    inputs: list[Path], styles: list[Path], outdir: Path, options: dict[str, Value], command: str = "stylize"
) -> Manifest:
    """The cross product of inputs and styles with shared ``options`` (outputs relative to ``outdir``)."""
    sources, problems = find_media(inputs, IMAGE_EXTS | VIDEO_EXTS, skip=outdir)
    style_files, missing = find_media(styles, IMAGE_EXTS, skip=outdir)
    problems += missing
    if not sources and not problems:
        problems.append(f"no images or videos found in {' '.join(map(str, inputs))}")
    if not style_files and not problems:
        problems.append(f"no style images found in {' '.join(map(str, styles))}")
    if problems:
        raise ManifestError(problems)
    jobs = [
        Job(command, str(source.resolve()), (rel.parent / f"{rel.stem}__{style.stem}{rel.suffix}").as_posix(),
            {**options, "style": [str(style.resolve())]}, frozenset(options))
        for source, rel in sources
        for style, _ in style_files
    ]
    return Manifest(tuple(jobs), outdir.resolve(), dict(options))


def write_manifest(manifest: Manifest, path: Path) -> Path:
    """Save the manifest a sweep ran (atomically), to repeat or resume it."""
    with atomic_output(path, overwrite=True) as tmp:
        tmp.write_text(dumps_manifest(manifest.defaults, list(manifest.jobs)), encoding="utf-8")
    return path


__all__ = ["MANIFEST_NAME", "find_media", "sweep_manifest", "write_manifest"]
