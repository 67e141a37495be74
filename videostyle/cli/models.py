"""`videostyle models`: what backbones exist, their layers, and whether their weights are here."""

from __future__ import annotations

import typer

from ..backbones import BACKBONES


def models() -> None:
    """List backbones, their default and available layers, and whether weights are present."""
    for spec in BACKBONES.values():
        state = "present" if spec.weights_present() else f"missing (expected at {spec.weights_location()})"
        typer.echo(f"{spec.name}: {spec.summary}")
        typer.echo(f"  weights: {state}")
        typer.echo(f"  content layers: {', '.join(spec.content_layers)}")
        typer.echo(f"  style layers:   {', '.join(spec.style_layers)}")
        typer.echo(f"  dream layers:   {', '.join(spec.dream_layers)}")
        typer.echo(f"  all layers:     {', '.join(spec.layer_names)}")
