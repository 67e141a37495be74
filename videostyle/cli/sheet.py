"""`videostyle sheet`: a photo in every built-in style, labeled, to pick one by looking."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .options import Device, Overwrite, Quiet


def sheet(
    photo: Annotated[Path, typer.Argument(help="The photo to render.", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Sheet image to write.")],
    styles: Annotated[
        Path | None, typer.Option(help="Also render the style images of this folder (builtin:arbitrary and builtin:microast).")
    ] = None,
    cell: Annotated[int, typer.Option(min=32, max=1024, help="Long side of each picture of the sheet in pixels.")] = 256,
    columns: Annotated[int, typer.Option(min=1, max=32)] = 7,
    device: Device = "auto",
    overwrite: Overwrite = False,
    quiet: Quiet = False,
) -> None:
    """Render PHOTO in the 26 built-in styles (and a folder's styles), labeled with their --model values."""
    from ..device import resolve_device
    from ..feedforward.sheet import iter_style_sheet
    from .render import run_with_progress

    events = iter_style_sheet(photo, output, styles, cell, columns, resolve_device(device), overwrite)
    typer.echo(f"wrote {run_with_progress(events, f'sheet {photo.name}', quiet)}")
