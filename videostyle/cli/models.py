"""`videostyle models`: backbones (layers, weights) and the feed-forward models with their styles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer



def models(
    folder: Annotated[Path, typer.Option(help="Where to look for trained model files (.safetensors).")] = Path("."),
) -> None:
    """List backbones and their layers, the built-in style networks, and the trained models in a folder."""
    from ..backbones import BACKBONES
    from ..feedforward.builtin.onnx_weights import INSTALL_HINT
    from ..feedforward.listing import builtin_models, trained_models

    for spec in BACKBONES.values():
        state = "present" if spec.weights_present() else f"missing (expected at {spec.weights_location()})"
        typer.echo(f"{spec.name}: {spec.summary}")
        typer.echo(f"  weights: {state}")
        typer.echo(f"  content layers: {', '.join(spec.content_layers)}")
        typer.echo(f"  style layers:   {', '.join(spec.style_layers)}")
        typer.echo(f"  dream layers:   {', '.join(spec.dream_layers)}")
        typer.echo(f"  all layers:     {', '.join(spec.layer_names)}")
    typer.echo("feed-forward models (stylize --model):")
    for entry in [*builtin_models(), *trained_models(folder)]:
        note = "" if entry.available else f" [not installed: {INSTALL_HINT}]"
        typer.echo(f"  {entry.model}: {entry.kind}{note}")
        typer.echo(f"    styles: {entry.styles}")
