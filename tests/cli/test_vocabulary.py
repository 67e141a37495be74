"""Defaults and choices are written once: every CLI default is its options dataclass's, every choice list a registry."""

from __future__ import annotations

import dataclasses
import functools
import typing

import pytest
import typer.main

from videostyle.backbones import BACKBONES
from videostyle.cli import app
from videostyle.dream import DreamOptions
from videostyle.feedforward.inference import InferenceOptions
from videostyle.feedforward.options import TrainOptions
from videostyle.flow import FLOW_METHODS, FLOW_PRESETS
from videostyle.objectives import TV_OPERATORS
from videostyle.optim import OPTIMIZERS
from videostyle.video import OutputOptions
from videostyle.stylize import StyleOptions, TemporalOptions
from videostyle.stylize.options import INITS
from videostyle.visualize.invert import InvertOptions
from videostyle.visualize.maximize import MaximizeOptions
from videostyle.visualize.texture import TextureOptions


@functools.cache
def root():
    return typer.main.get_command(app)


def command(path: str):  # typer's own click: typer.core.TyperCommand
    found = root()
    for name in path.split():
        found = found.commands[name]  # type: ignore[attr-defined]
    return found


@functools.cache
def all_commands() -> list[str]:
    paths = []
    for name, sub in root().commands.items():  # type: ignore[attr-defined]
        paths += [f"{name} {s}" for s in sub.commands] if hasattr(sub, "commands") else [name]
    return paths


# command -> (options dataclasses, {CLI parameter: dataclass field} where the CLI's name differs)
SOURCES = {
    "stylize": (
        (StyleOptions(), TemporalOptions(), OutputOptions()),
        {},
    ),
    "dream": ((DreamOptions(), OutputOptions()), {}),
    "train": ((TrainOptions(),), {"width_mult": "width"}),
    "visualize maximize": ((MaximizeOptions(),), {}),
    "visualize invert": ((InvertOptions(),), {}),
    "visualize texture": ((TextureOptions(),), {}),
}
NOT_DEFAULTS = {"size", "backbone", "weights", "style_weights", "content_layers", "style_layers", "layers", "channels"}
"""Parameters whose CLI form differs in kind from the field (parsed text, or a size the output options own)."""


@pytest.mark.parametrize("path", sorted(SOURCES))
def test_every_cli_default_is_the_dataclass_default(path):
    sources, renames = SOURCES[path]
    checked = 0
    for param in command(path).params:
        field = renames.get(param.name, param.name)
        for options in sources:
            names = {f.name for f in dataclasses.fields(options)}
            if field in names and param.name not in NOT_DEFAULTS:
                assert param.default == getattr(options, field), f"{path} --{param.name}"
                checked += 1
                break
    assert checked >= 5  # the mapping still finds the options


@pytest.mark.parametrize("path", all_commands())
def test_choices_come_from_the_registries(path):
    registries = {"backbone": tuple(BACKBONES), "flow": FLOW_METHODS, "flow_preset": FLOW_PRESETS, "tv_operator": TV_OPERATORS}
    for param in command(path).params:
        annotation = param.type_descriptor.annotation
        if typing.get_origin(annotation) is not typing.Literal:
            continue
        choices = typing.get_args(annotation)
        if param.name in registries:
            assert tuple(choices) == registries[param.name], f"{path} --{param.name}"
        if param.name == "optimizer":
            assert set(choices) <= set(OPTIMIZERS)
        if path == "stylize" and param.name == "init":
            assert tuple(choices) == INITS


def test_flow_defaults_agree_across_commands():
    flows = {
        (p.default, q.default)
        for path in ("stylize", "dream", "metrics")
        for p in command(path).params if p.name == "flow"
        for q in command(path).params if q.name == "flow_preset"
    }
    temporal, inference = TemporalOptions(), InferenceOptions()
    assert flows == {(temporal.flow, temporal.flow_preset)} == {(inference.flow, inference.flow_preset)}


def test_one_name_one_kind():
    """An option spelled the same in two commands takes the same kind of value (one vocabulary)."""
    kinds: dict[str, set[str]] = {}
    for path in all_commands():
        for param in command(path).params:
            if param.param_type_name == "option":
                kinds.setdefault(param.opts[0], set()).add("flag" if param.is_flag else value_kind(param.type_descriptor.annotation))
    mixed = {name: k for name, k in kinds.items() if len(k) > 1}
    # dream's --channel is LAYER:INDEX, top-activations' the index within its --layer: both name one channel
    assert mixed == {"--channel": {"str", "int"}}


def value_kind(annotation: object) -> str:
    """The type of one value: a repeatable list[str] is str, a Literal of names is str, Optional[int] is int."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Literal:
        return type(args[0]).__name__
    if origin is not None:  # list[X], X | None
        return value_kind(next(a for a in args if a is not type(None)))
    return getattr(annotation, "__name__", str(annotation))
