"""File in, file out: one function per `videostyle visualize` command, so the CLI only parses options.

Each checks its outputs before any work (an existing file without ``overwrite`` fails at once),
yields the progress events of the work, and returns the paths it wrote.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
import os
import re
from collections.abc import Generator, Sequence
from pathlib import Path

import torch

from ..backbones import DEFAULT_BACKBONE, Backbone, backbone_spec, load_backbone
from ..errors import OptionError
from ..media import check_writable, media_kind, read_image, write_image
from ..optim import renumber
from ..progress import relay
from ..resize import fit_size, resize_long_side
from .grid import contact_sheet
from .invert import invert_layers
from .maximize import maximize
from .options import (
    InversionInput, InvertOptions, MaximizeOptions, NetworkOptions, SaliencyOptions, SampleOptions, TextureOptions, TextureShape,
    TopActivationsOptions,
)
from .saliency import METHODS, saliency_figure
from .targets import parse_targets
from .texture import synthesize_texture
from .top_activations import top_activations, top_activations_figure

Events = Generator[object, None, list[Path]]


@dataclass(frozen=True)
class NetworkChoice:
    """Which backbone to load (``device`` already resolved): commands take this or a loaded Backbone."""

    backbone: str = DEFAULT_BACKBONE
    weights: str | os.PathLike | None = None
    download: bool = True
    device: torch.device = torch.device("cpu")

    @classmethod
    def of(cls, options: NetworkOptions, device: torch.device) -> NetworkChoice:
        """The network a command's --backbone, --weights and --offline name, on ``device``."""
        return cls(options.backbone, options.weights, not options.offline, device)

    def load(self) -> Backbone:
        return load_backbone(self.backbone, self.device, self.weights, self.download)


Network = Backbone | NetworkChoice


def _loaded(network: Network) -> Backbone:
    return network.load() if isinstance(network, NetworkChoice) else network


def _check_output(path: str | os.PathLike, overwrite: bool) -> Path:
    if media_kind(path, for_output=True) != "image":
        raise OptionError(f"{path}: visualizations are pictures; use an image extension such as .png or .jpg")
    return check_writable(path, overwrite)


def _slug(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", label).strip("_").lower() or "target"


def _numbered(output: Path, labels: Sequence[str]) -> list[Path]:
    """out.png + labels -> out-goldfish.png, out-block10_7.png, ... (one file per picture)."""
    return [output.with_name(f"{output.stem}-{_slug(label)}{output.suffix}") for label in labels]


def texture_size(shape: TextureShape) -> tuple[int, int]:
    """(h, w) of a texture: long side ``size`` at ``aspect`` = w / h, or the old --width/--height when given."""
    if shape.width is not None or shape.height is not None:
        return (shape.height or 256, shape.width or 256)
    return fit_size(1000, round(1000 * shape.aspect), shape.size)


def _load_image(path: str | os.PathLike, size: int, device: torch.device) -> torch.Tensor:
    return resize_long_side(read_image(path), size).to(device)


def run_maximize(
    network: Network,
    specs: Sequence[str],
    output: str | os.PathLike,
    options: MaximizeOptions = MaximizeOptions(),
    init: str | os.PathLike | None = None,
    sheet: SampleOptions = SampleOptions(),
    overwrite: bool = False,
) -> Events:
    """Maximize each target (``sheet.samples`` times, seeds counting up) into one sheet or one file each."""
    backbone = _loaded(network)
    samples = sheet.samples
    output = Path(output)
    targets = parse_targets(list(specs), backbone)
    device = backbone.normalize.mean.device
    start = _load_image(init, options.size, device) if init is not None else None
    jobs = [(t, i) for t in targets for i in range(samples)]
    labels = [t.label if samples == 1 else f"{t.label} #{i + 1}" for t, i in jobs]
    paths = [output] if sheet.grid or len(jobs) == 1 else _numbered(output, labels)
    for path in paths:
        _check_output(path, overwrite)
    per_job = options.steps * options.scales
    images = []
    for n, (target, i) in enumerate(jobs):
        seed = None if options.seed is None else options.seed + i
        run = maximize(backbone, target.objective, dataclasses.replace(options, seed=seed), start)
        images.append((yield from relay(run, renumber(n * per_job, per_job * len(jobs)))))
    if len(paths) == 1 and len(images) > 1:
        images = [contact_sheet(images, labels, columns=samples if samples > 1 else None)]
    for picture, path in zip(images, paths):
        write_image(picture, path, overwrite)
    return paths


def run_invert(
    network: Network,
    image: str | os.PathLike,
    source: InversionInput,
    output: str | os.PathLike,
    options: InvertOptions = InvertOptions(),
    overwrite: bool = False,
) -> Events:
    """Reconstruct the image from each layer; several layers go side by side after the original."""
    layers = source.names()
    backbone = _loaded(network)
    output = _check_output(output, overwrite)
    photo = _load_image(image, source.size, backbone.normalize.mean.device)
    results = yield from invert_layers(backbone, photo, layers, options)
    picture = results[0] if len(layers) == 1 else contact_sheet([photo, *results], ["image", *layers], columns=len(layers) + 1)
    write_image(picture, output, overwrite)
    return [output]


def run_texture(
    network: Network,
    style: str | os.PathLike,
    output: str | os.PathLike,
    shape: TextureShape = TextureShape(),
    options: TextureOptions = TextureOptions(),
    overwrite: bool = False,
) -> Events:
    """A texture of ``shape`` with the Gram statistics of the style image (default: the backbone's style layers)."""
    backbone = _loaded(network)
    layers = shape.layers or backbone_spec(backbone.name).style_layers
    output = _check_output(output, overwrite)
    source = _load_image(style, shape.style_size, backbone.normalize.mean.device)
    texture = yield from synthesize_texture(backbone, source, texture_size(shape), layers, options)
    write_image(texture, output, overwrite)
    return [output]


def run_saliency(
    network: Network,
    image: str | os.PathLike,
    output: str | os.PathLike,
    options: SaliencyOptions = SaliencyOptions(),
    overwrite: bool = False,
) -> Events:
    """Maps (top row) and overlays (bottom row) of each method (default: all), after the photo, labeled with the class."""
    backbone = _loaded(network)
    output = _check_output(output, overwrite)
    target, methods = options.class_name, options.methods or METHODS
    photo = _load_image(image, options.size, backbone.normalize.mean.device)
    index = None
    if target is not None:
        (chosen,) = parse_targets([target if ":" in target else f"class:{target}"], backbone)
        index = getattr(chosen.objective, "index", None)
        if index is None:
            raise OptionError(f"--class {target!r} is not a class; give an ImageNet class name or index")
    write_image(saliency_figure(backbone, photo, index, methods), output, overwrite)
    yield from ()  # no progress to report; a generator like the other commands
    return [output]


def run_top_activations(
    network: Network,
    folder: str | os.PathLike,
    layer: str,
    channel: int,
    output: str | os.PathLike,
    options: TopActivationsOptions = TopActivationsOptions(),
    overwrite: bool = False,
) -> Events:
    """The Zeiler & Fergus figure for one unit over a folder of images."""
    backbone = _loaded(network)
    output = _check_output(output, overwrite)
    found = yield from top_activations(backbone, folder, layer, channel, options.count, options.size, options.method)
    write_image(top_activations_figure(found), output, overwrite)
    return [output]
