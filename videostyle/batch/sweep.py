"""Sweeps: every input (files, or folders searched recursively) with every style, as a manifest.

Outputs are named ``<input stem>__<style stem><input extension>`` and keep the input's sub-folder, so
``clips/a/x.mp4`` with ``starry.jpg`` becomes ``OUT/a/x__starry.mp4``. A folder whose pictures are all
numbered frames of one sequence is one input (media.sequences), written as a sequence of the same
name in a folder named after it: ``shots/a/plate.1001.exr ...`` becomes ``OUT/a__starry/plate.%04d.exr``. The manifest is written to
``OUT/batch.toml`` so the same run can be repeated or resumed with ``videostyle batch OUT/batch.toml``.
"""

from __future__ import annotations

from pathlib import Path

from ..media import IMAGE_EXTS, VIDEO_EXTS
from ..media.atomic import atomic_output
from ..media.sequences import folder_sequence
from .manifest import Job, Manifest, ManifestError, Value, dumps_manifest

MANIFEST_NAME = "batch.toml"


def find_media(
    paths: list[Path], exts: frozenset[str], skip: Path | None = None, sequences: bool = False
) -> tuple[list[tuple[Path, Path]], list[str]]:
    """(file, path relative to the folder it was found in) for each media file, and the paths that do not exist.
    With ``sequences``, a folder of one numbered sequence counts as one input (the folder), not as its frames.

    Folders are searched recursively, but not hidden files or folders (a batch's ``.videostyle`` state,
    the ``.NAME.part`` files of a run still writing) nor the folder ``skip`` (the sweep's own outputs).
    """
    found, missing = [], []
    skip = skip.resolve() if skip is not None else None
    for path in paths:
        if path.is_dir():
            for p, inside in _walk(path, exts, sequences):
                if any(part.startswith(".") for part in inside.parts):
                    continue
                if skip is not None and p.resolve().is_relative_to(skip) and not path.resolve().is_relative_to(skip):
                    continue
                found.append((p, inside if inside.parts else Path(path.resolve().name)))
        elif path.is_file():
            found.append((path, Path(path.name)))
        else:
            missing.append(f"{path} does not exist")
    return found, missing


def _walk(root: Path, exts: frozenset[str], sequences: bool) -> list[tuple[Path, Path]]:
    """(path, path relative to ``root``) of the media files under ``root`` and, with ``sequences``,
    of the folders holding one sequence each, instead of their frames."""
    held = [f for f in [root, *root.rglob("*")] if f.is_dir() and folder_sequence(f) is not None] if sequences else []
    files = [p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in exts and not any(p.is_relative_to(f) for f in held)]
    return [(p, p.relative_to(root)) for p in sorted([*held, *files])]


def _output_name(source: Path, rel: Path, style: Path) -> str:
    """``a/x__starry.mp4`` for a file, ``a__starry/plate.%04d.exr`` for a sequence folder."""
    if source.is_dir():
        pattern = Path(folder_sequence(source) or "")
        return (rel.parent / f"{rel.name}__{style.stem}" / pattern.name).as_posix()
    return (rel.parent / f"{rel.stem}__{style.stem}{rel.suffix}").as_posix()


def sweep_manifest(
    inputs: list[Path], styles: list[Path], outdir: Path, options: dict[str, Value], command: str = "stylize",
    sequences: bool = True,
) -> Manifest:
    """The cross product of inputs and styles with shared ``options`` (outputs relative to ``outdir``).
    ``sequences`` False: every picture is an input of its own, even in a folder of numbered frames (a
    camera's IMG_0001.jpg, IMG_0002.jpg ... are photos, not a shot)."""
    sources, problems = find_media(inputs, IMAGE_EXTS | VIDEO_EXTS, skip=outdir, sequences=sequences)
    style_files, missing = find_media(styles, IMAGE_EXTS, skip=outdir)
    problems += missing
    if not sources and not problems:
        problems.append(f"no images or videos found in {' '.join(map(str, inputs))}")
    if not style_files and not problems:
        problems.append(f"no style images found in {' '.join(map(str, styles))}")
    if problems:
        raise ManifestError(problems)
    jobs = [
        Job(command, str(source.resolve()), _output_name(source, rel, style), {**options, "style": [str(style.resolve())]},
            frozenset(options))
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
