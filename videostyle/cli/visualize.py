"""`videostyle visualize ...`: seeing inside the network. Each subcommand parses options and calls the library."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from ..device import resolve_device
from ..errors import OptionError
from ..resize import fit_size
from ..visualize import commands
from ..visualize.invert import InvertOptions
from ..visualize.layers import layer_table
from ..visualize.maximize import MaximizeOptions
from ..visualize.saliency import METHODS
from ..visualize.texture import TextureOptions
from ..objectives import TV_OPERATORS
from .aliases import aliased
from .options import DEFAULT_BACKBONE, Backbone, Device, Offline, Overwrite, Quiet, Weights, split_names
from .render import run_with_progress

visualize_app = typer.Typer(
    help="See what a network has learned: class visualizations, inversions, textures, saliency, top patches.",
    no_args_is_help=True,
)

Output = Annotated[Path, typer.Option("--output", "-o", help="Output picture (.png, .jpg, ...).")]
Seed = Annotated[int | None, typer.Option(help="Random seed, for repeatable pictures.")]
Steps = Annotated[int, typer.Option(min=1, max=100_000, help="Optimization steps (per scale).")]
WorkSize = Annotated[int, typer.Option("--size", min=16, max=8192, help="Long side of the picture in pixels.")]
Lr = Annotated[float, typer.Option(min=1e-6, help="Learning rate.")]
TvOperator = Literal[TV_OPERATORS]  # type: ignore[valid-type]
_MAX, _INVERT, _TEXTURE = MaximizeOptions(), InvertOptions(), TextureOptions()


def _network(name: str, weights: Path | None, offline: bool, device: str) -> commands.NetworkChoice:
    return commands.NetworkChoice(name, weights, not offline, resolve_device(device))


def texture_shape(size: int, aspect: float, width: int | None, height: int | None) -> tuple[int, int]:
    """(h, w) of a texture: long side ``size`` at ``aspect`` = w / h, or the old --width/--height when given."""
    if width is not None or height is not None:
        return (height or 256, width or 256)
    return fit_size(1000, round(1000 * aspect), size)


def _finish(events: commands.Events, label: str, quiet: bool) -> None:
    for path in run_with_progress(events, label, quiet):
        typer.echo(f"wrote {path}")


@visualize_app.command(cls=aliased("visualize maximize"))
def maximize(
    targets: Annotated[
        list[str],
        typer.Argument(
            help="What to maximize: a class (goldfish, class:1), a layer (block10), a channel (block10:7, "
            "block10:0-15) or a neuron (block10:7:3:4).",
            show_default=False,
        ),
    ],
    output: Output,
    init_image: Annotated[Path | None, typer.Option(help="Start from this image instead of noise.")] = None,
    grid: Annotated[bool, typer.Option(help="Put all pictures in one labeled contact sheet.")] = False,
    samples: Annotated[int, typer.Option(min=1, max=64, help="Pictures per target (use with --langevin-noise).")] = 1,
    steps: Steps = MaximizeOptions.steps,
    size: WorkSize = MaximizeOptions.size,
    scales: Annotated[int, typer.Option(min=1, max=8, help="Multiscale: grow from --start-size to --size in this many scales.")] = MaximizeOptions.scales,
    start_size: Annotated[int | None, typer.Option(min=16, help="Multiscale: first long side (default: the tile).")] = MaximizeOptions.start_size,
    tile: Annotated[int, typer.Option(min=16, help="Network input size; larger pictures use overlapping tiles.")] = MaximizeOptions.tile,
    pixel_rates: Annotated[bool, typer.Option(help="Scale each pixel's step by 1 / tiles covering it.")] = MaximizeOptions.pixel_rates,
    param: Annotated[Literal["fourier", "pixels"], typer.Option(help="Fourier: decorrelated spectrum; pixels: plain.")] = MaximizeOptions.param,
    optimizer: Annotated[Literal["adam", "sgd", "rmsprop"], typer.Option(help="Step rule.")] = MaximizeOptions.optimizer,
    lr: Lr = MaximizeOptions.lr,
    rmsprop_decay: Annotated[float, typer.Option(min=0, max=0.9999, help="RMSProp running-average decay.")] = MaximizeOptions.rmsprop_decay,
    lr_decay_every: Annotated[int, typer.Option(min=0, help="Multiply the rate by --lr-decay-factor every N steps (0: off).")] = MaximizeOptions.lr_decay_every,
    lr_decay_factor: Annotated[float, typer.Option(min=1e-6, max=1.0)] = MaximizeOptions.lr_decay_factor,
    l2: Annotated[float, typer.Option("--l2", min=0, help="L2 prior weight (Simonyan).")] = MaximizeOptions.l2,
    p_norm: Annotated[float, typer.Option("--p-norm", min=1, help="Exponent α of the p-norm prior.")] = MaximizeOptions.p_norm,
    p_norm_weight: Annotated[float, typer.Option(min=0, help="p-norm prior weight.")] = MaximizeOptions.p_norm_weight,
    p_norm_scale: Annotated[float, typer.Option(min=1e-6, help="p-norm prior scale.")] = MaximizeOptions.p_norm_scale,
    p_norm_aux: Annotated[float, typer.Option(min=1, help="Exponent α of the auxiliary p-norm.")] = MaximizeOptions.p_norm_aux,
    p_norm_aux_weight: Annotated[float, typer.Option(min=0, help="Auxiliary p-norm weight.")] = MaximizeOptions.p_norm_aux_weight,
    p_norm_aux_scale: Annotated[float, typer.Option(min=1e-6, help="Auxiliary p-norm scale.")] = MaximizeOptions.p_norm_aux_scale,
    tv_weight: Annotated[float, typer.Option(min=0, help="Total-variation prior weight.")] = MaximizeOptions.tv_weight,
    tv_beta: Annotated[float, typer.Option(min=0.1, help="TV exponent β.")] = MaximizeOptions.tv_beta,
    tv_operator: Annotated[TvOperator, typer.Option(help="Image-gradient operator of the TV prior.")] = MaximizeOptions.tv_operator,
    tv_step: Annotated[float, typer.Option(min=0, help="Raise the TV weight by this much every --tv-step-every steps.")] = MaximizeOptions.tv_step,
    tv_step_every: Annotated[int, typer.Option(min=1)] = MaximizeOptions.tv_step_every,
    jitter: Annotated[int, typer.Option(min=0, help="Random shift in pixels before each step.")] = MaximizeOptions.jitter,
    jitter_scale: Annotated[float, typer.Option(min=0, max=0.5, help="Random scaling by 1 ± this.")] = MaximizeOptions.jitter_scale,
    jitter_rotate: Annotated[float, typer.Option(min=0, max=180, help="Random rotation by ± degrees.")] = MaximizeOptions.jitter_rotate,
    blur: Annotated[float, typer.Option(min=0, help="Gaussian blur sigma applied every --blur-every steps (pixels only).")] = MaximizeOptions.blur_sigma,
    blur_every: Annotated[int, typer.Option(min=1)] = MaximizeOptions.blur_every,
    langevin_noise: Annotated[float, typer.Option(min=0, help="Gaussian noise std added after each step (Langevin sampling).")] = MaximizeOptions.langevin_noise,
    seed: Seed = MaximizeOptions.seed,
    backbone: Backbone = DEFAULT_BACKBONE,
    weights: Weights = None,
    offline: Offline = False,
    device: Device = "auto",
    overwrite: Overwrite = False,
    quiet: Quiet = False,
) -> None:
    """Activation maximization: the picture a class, channel, neuron or layer responds to most."""
    options = MaximizeOptions(
        steps=steps, size=size, scales=scales, start_size=start_size, tile=tile, pixel_rates=pixel_rates, param=param,
        optimizer=optimizer, lr=lr, rmsprop_decay=rmsprop_decay, lr_decay_every=lr_decay_every,
        lr_decay_factor=lr_decay_factor, l2=l2, p_norm_weight=p_norm_weight, p_norm=p_norm, p_norm_scale=p_norm_scale,
        p_norm_aux_weight=p_norm_aux_weight, p_norm_aux=p_norm_aux, p_norm_aux_scale=p_norm_aux_scale,
        tv_weight=tv_weight, tv_beta=tv_beta, tv_operator=tv_operator, tv_step=tv_step, tv_step_every=tv_step_every,
        jitter=jitter, jitter_scale=jitter_scale, jitter_rotate=jitter_rotate,
        blur_sigma=blur, blur_every=blur_every, langevin_noise=langevin_noise, seed=seed,
    )  # fmt: skip
    net = _network(backbone, weights, offline, device)
    events = commands.run_maximize(net, targets, output, options, init_image, samples, grid, overwrite)
    _finish(events, "maximize", quiet)


@visualize_app.command(cls=aliased("visualize invert"))
def invert(
    image: Annotated[Path, typer.Argument(help="Image to reconstruct.", show_default=False)],
    output: Output,
    layer: Annotated[str | None, typer.Option(help="Layer whose features are inverted.")] = None,
    layers: Annotated[str | None, typer.Option(help="Several layers, comma-separated: shown side by side.")] = None,
    steps: Steps = _INVERT.steps,
    size: WorkSize = 224,
    optimizer: Annotated[Literal["adam", "lbfgs", "sgd", "rmsprop"], typer.Option()] = _INVERT.optimizer,
    lr: Lr = _INVERT.lr,
    p_norm: Annotated[float, typer.Option(min=1, help="Exponent α of the p-norm prior.")] = _INVERT.p_norm,
    p_norm_weight: Annotated[float, typer.Option(min=0, help="p-norm prior weight.")] = _INVERT.p_norm_weight,
    tv_beta: Annotated[float, typer.Option(min=0.1, help="TV exponent β.")] = _INVERT.tv_beta,
    tv_weight: Annotated[
        float | None, typer.Option(min=0, help="TV prior weight (default: 3 x the layer's stride; deep layers need more).")
    ] = _INVERT.tv_weight,
    tv_operator: Annotated[TvOperator, typer.Option()] = _INVERT.tv_operator,
    jitter: Annotated[
        int | None, typer.Option(min=0, help="Random shift in pixels per step (default: the layer's stride / 8).")
    ] = _INVERT.jitter,
    seed: Seed = _INVERT.seed,
    backbone: Backbone = DEFAULT_BACKBONE,
    weights: Weights = None,
    offline: Offline = False,
    device: Device = "auto",
    overwrite: Overwrite = False,
    quiet: Quiet = False,
) -> None:
    """Feature inversion (Mahendran & Vedaldi): reconstruct an image from one layer's features."""
    names = split_names(layers) or ((layer,) if layer else None)
    if not names or (layer and layers):
        raise OptionError("give --layer LAYER or --layers A,B,C (see: videostyle visualize layers)")
    options = InvertOptions(
        steps=steps, optimizer=optimizer, lr=lr, p_norm=p_norm, p_norm_weight=p_norm_weight, tv_beta=tv_beta,
        tv_weight=tv_weight, tv_operator=tv_operator, jitter=jitter, seed=seed,
    )  # fmt: skip
    net = _network(backbone, weights, offline, device)
    _finish(commands.run_invert(net, image, names, output, options, size, overwrite), "invert", quiet)


@visualize_app.command()
def texture(
    style: Annotated[Path, typer.Argument(help="Style image whose texture is synthesized.", show_default=False)],
    output: Output,
    size: Annotated[int, typer.Option(min=16, max=8192, help="Long side of the texture in pixels.")] = 256,
    aspect: Annotated[float, typer.Option(min=1 / 16, max=16, help="Width / height (2 = twice as wide as high).")] = 1.0,
    width: Annotated[int | None, typer.Option(min=16, max=8192, hidden=True, help="Old: width in pixels.")] = None,
    height: Annotated[int | None, typer.Option(min=16, max=8192, hidden=True, help="Old: height in pixels.")] = None,
    style_size: Annotated[int, typer.Option(min=16, max=8192, help="Long side the style image is read at.")] = 256,
    layers: Annotated[str | None, typer.Option(help="Comma-separated Gram layers (default: the backbone's style layers).")] = None,
    steps: Steps = _TEXTURE.steps,
    optimizer: Annotated[Literal["adam", "lbfgs", "sgd", "rmsprop"], typer.Option()] = _TEXTURE.optimizer,
    lr: Lr = _TEXTURE.lr,
    tv_weight: Annotated[float, typer.Option(min=0, help="Total-variation smoothness weight.")] = _TEXTURE.tv_weight,
    seed: Seed = _TEXTURE.seed,
    backbone: Backbone = DEFAULT_BACKBONE,
    weights: Weights = None,
    offline: Offline = False,
    device: Device = "auto",
    overwrite: Overwrite = False,
    quiet: Quiet = False,
) -> None:
    """Texture synthesis (Gatys): match the style image's Gram statistics from noise, at any size."""
    options = TextureOptions(steps=steps, optimizer=optimizer, lr=lr, tv_weight=tv_weight, seed=seed)
    net = _network(backbone, weights, offline, device)
    shape = texture_shape(size, aspect, width, height)
    events = commands.run_texture(net, style, output, split_names(layers), shape, style_size, options, overwrite)
    _finish(events, "texture", quiet)


@visualize_app.command()
def saliency(
    image: Annotated[Path, typer.Argument(help="Photo to explain.", show_default=False)],
    output: Output,
    class_: Annotated[str | None, typer.Option("--class", help="Class to explain, by name or index (default: the prediction).")] = None,
    method: Annotated[
        list[str] | None, typer.Option(help="gradient, guided or deconvnet; repeat for several (default: all three).")
    ] = None,
    size: WorkSize = 224,
    backbone: Backbone = DEFAULT_BACKBONE,
    weights: Weights = None,
    offline: Offline = False,
    device: Device = "auto",
    overwrite: Overwrite = False,
    quiet: Quiet = False,
) -> None:
    """Saliency maps: vanilla gradient (Simonyan), guided backprop (Springenberg), deconvnet (Zeiler & Fergus)."""
    net = _network(backbone, weights, offline, device)
    methods = tuple(method) if method else METHODS
    _finish(commands.run_saliency(net, image, output, class_, methods, size, overwrite), "saliency", quiet)


@visualize_app.command("top-activations")
def top_activations(
    folder: Annotated[Path, typer.Argument(help="Folder of images to search.", show_default=False)],
    output: Output,
    layer: Annotated[str, typer.Option(help="Convolutional layer of the unit.")],
    channel: Annotated[int, typer.Option(min=0, help="Channel (feature map) of the unit.")],
    count: Annotated[int, typer.Option(min=1, max=100, help="How many patches.")] = 9,
    method: Annotated[
        Literal["deconvnet", "guided", "gradient"], typer.Option(help="Backward rule of the projections.")
    ] = "deconvnet",
    size: WorkSize = 224,
    backbone: Backbone = DEFAULT_BACKBONE,
    weights: Weights = None,
    offline: Offline = False,
    device: Device = "auto",
    overwrite: Overwrite = False,
    quiet: Quiet = False,
) -> None:
    """The image patches that excite one unit most, beside their deconvnet projections (Zeiler & Fergus)."""
    net = _network(backbone, weights, offline, device)
    events = commands.run_top_activations(net, folder, layer, channel, output, count, size, method, overwrite)
    _finish(events, f"top-activations {layer}:{channel}", quiet)


@visualize_app.command()
def layers(
    size: Annotated[int, typer.Option(min=16, max=4096, help="Input size the shapes are given for.")] = 224,
    backbone: Backbone = DEFAULT_BACKBONE,
    weights: Weights = None,
    offline: Offline = False,
) -> None:
    """The backbone's layer names and output shapes, to choose targets and layers."""
    net = _network(backbone, weights, offline, "cpu").load()
    typer.echo(f"{net.name}, input {size} x {size}:")
    for info in layer_table(net, size):
        typer.echo(f"  {info.describe()}")
