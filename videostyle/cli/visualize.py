"""`videostyle visualize ...`: seeing inside the network. Each subcommand's options are the fields of the
library's option classes (videostyle.visualize.options, see cli.declare); torch loads only when one runs."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..shared_options import DeviceOptions
from ..visualize.options import (
    InversionInput, InvertOptions, LayerTableOptions, MaximizeOptions, NetworkOptions, SaliencyOptions, SampleOptions,
    TextureOptions, TextureShape, TopActivationsOptions,
)
from .aliases import aliased
from .declare import Declaration, Engine, build, check_options, declare, head_param
from .options import Overwrite, Quiet

if TYPE_CHECKING:
    from ..visualize.commands import Events, NetworkChoice

visualize_app = typer.Typer(
    help="See what a network has learned: class visualizations, inversions, textures, saliency, top patches.",
    no_args_is_help=True,
)

COMMON = (NetworkOptions, DeviceOptions)


def _declaration(name: str, title: str, groups: tuple[type, ...], common: tuple[type, ...] = COMMON) -> Declaration:
    """One engine, the subcommand itself: every option it shows applies to it."""
    return Declaration(
        engines=(Engine(name, f"visualize {name}", groups),), common=common, engine_of=lambda params: name,
        panels={**{cls: title for cls in groups}, **{cls: "Network and device" for cls in common}},
    )


def _head(*own: Any) -> tuple:
    """The context, the subcommand's own arguments, then the output options every picture-writing one takes."""
    output = Annotated[Path, typer.Option("--output", "-o", help="Output picture (.png, .jpg, ...).", metavar="FILE")]
    return (head_param("context", typer.Context), *own, head_param("output", output),
            head_param("overwrite", Overwrite, False), head_param("quiet", Quiet, False))


def _argument(name: str, help: str, kind: Any = Path) -> Any:
    return head_param(name, Annotated[kind, typer.Argument(help=help, show_default=False)])


def _start(command: str, context: typer.Context, params: dict[str, Any]) -> tuple[NetworkChoice, Callable[[type], Any]]:
    """Check the options, then (the network to load, a builder of the subcommand's option classes)."""
    from ..device import resolve_device
    from ..visualize.commands import NetworkChoice

    check_options(f"visualize {command}", context)
    device = resolve_device(build(DeviceOptions, params).device)
    return NetworkChoice.of(build(NetworkOptions, params), device), partial(build, params=params)


def _finish(events: Events, label: str, quiet: bool) -> None:
    from .render import run_with_progress

    for path in run_with_progress(events, label, quiet):
        typer.echo(f"wrote {path}")


MAXIMIZE = _declaration("maximize", "Maximization", (MaximizeOptions, SampleOptions))
TARGETS_HELP = ("What to maximize: a class (goldfish, class:1), a layer (block10), a channel (block10:7, block10:0-15) "
                "or a neuron (block10:7:3:4).")


@visualize_app.command(cls=aliased("visualize maximize"))
@declare("visualize maximize", MAXIMIZE, _head(
    _argument("targets", TARGETS_HELP, list[str]),
    head_param("init_image", Annotated[Path | None, typer.Option(help="Start from this image instead of noise.", metavar="FILE")], None),
))
def maximize(context: typer.Context, **params: Any) -> None:
    """Activation maximization: the picture a class, channel, neuron or layer responds to most."""
    from ..visualize.commands import run_maximize

    net, make = _start("maximize", context, params)
    events = run_maximize(net, params["targets"], params["output"], make(MaximizeOptions), params["init_image"],
                          make(SampleOptions), params["overwrite"])
    _finish(events, "maximize", params["quiet"])


INVERT = _declaration("invert", "Inversion", (InversionInput, InvertOptions))


@visualize_app.command(cls=aliased("visualize invert"))
@declare("visualize invert", INVERT, _head(_argument("image", "Image to reconstruct.")))
def invert(context: typer.Context, **params: Any) -> None:
    """Feature inversion (Mahendran & Vedaldi): reconstruct an image from one layer's features."""
    from ..visualize.commands import run_invert

    net, make = _start("invert", context, params)
    events = run_invert(net, params["image"], make(InversionInput), params["output"], make(InvertOptions), params["overwrite"])
    _finish(events, "invert", params["quiet"])


TEXTURE = _declaration("texture", "Texture", (TextureShape, TextureOptions))


@visualize_app.command()
@declare("visualize texture", TEXTURE, _head(_argument("style", "Style image whose texture is synthesized.")))
def texture(context: typer.Context, **params: Any) -> None:
    """Texture synthesis (Gatys): match the style image's Gram statistics from noise, at any size."""
    from ..visualize.commands import run_texture

    net, make = _start("texture", context, params)
    events = run_texture(net, params["style"], params["output"], make(TextureShape), make(TextureOptions), params["overwrite"])
    _finish(events, "texture", params["quiet"])


SALIENCY = _declaration("saliency", "Saliency", (SaliencyOptions,))


@visualize_app.command()
@declare("visualize saliency", SALIENCY, _head(_argument("image", "Photo to explain.")))
def saliency(context: typer.Context, **params: Any) -> None:
    """Saliency maps: vanilla gradient (Simonyan), guided backprop (Springenberg), deconvnet (Zeiler & Fergus)."""
    from ..visualize.commands import run_saliency

    net, make = _start("saliency", context, params)
    _finish(run_saliency(net, params["image"], params["output"], make(SaliencyOptions), params["overwrite"]), "saliency", params["quiet"])


TOP_ACTIVATIONS = _declaration("top-activations", "Top activations", (TopActivationsOptions,))


@visualize_app.command("top-activations")
@declare("visualize top-activations", TOP_ACTIVATIONS, _head(
    _argument("folder", "Folder of images to search."),
    head_param("layer", Annotated[str, typer.Option(help="Convolutional layer of the unit.")]),
    head_param("channel", Annotated[int, typer.Option(min=0, help="Channel (feature map) of the unit.", metavar="N")]),
))
def top_activations(context: typer.Context, **params: Any) -> None:
    """The image patches that excite one unit most, beside their deconvnet projections (Zeiler & Fergus)."""
    from ..visualize.commands import run_top_activations

    net, make = _start("top-activations", context, params)
    layer, channel = params["layer"], params["channel"]
    events = run_top_activations(net, params["folder"], layer, channel, params["output"], make(TopActivationsOptions), params["overwrite"])
    _finish(events, f"top-activations {layer}:{channel}", params["quiet"])


LAYERS = _declaration("layers", "Layer table", (LayerTableOptions,), common=(NetworkOptions,))


@visualize_app.command()
@declare("visualize layers", LAYERS, ())
def layers(**params: Any) -> None:
    """The backbone's layer names and output shapes, to choose targets and layers."""
    from ..device import resolve_device
    from ..visualize.commands import NetworkChoice
    from ..visualize.layers import layer_table

    size = build(LayerTableOptions, params).size
    net = NetworkChoice.of(build(NetworkOptions, params), resolve_device("cpu")).load()
    typer.echo(f"{net.name}, input {size} x {size}:")
    for info in layer_table(net, size):
        typer.echo(f"  {info.describe()}")
