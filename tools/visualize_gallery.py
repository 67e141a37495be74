"""Make the README's gallery of visualizations from samples/ (small JPEGs, a few minutes on a CPU).

    python tools/visualize_gallery.py docs/images [--samples samples] [--device cpu] [--only NAME ...]

writes docs/images/visualize_<name>.jpg for each picture of PICTURES.

Every picture is seeded, so a rerun gives the same gallery.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from pathlib import Path

import torch
from PIL import Image

from videostyle.backbones import Backbone, backbone_spec, load_backbone
from videostyle.device import resolve_device
from videostyle.media import atomic_output, frame_to_tensor, read_frames, read_image, tensor_to_frame, write_image
from videostyle.progress import drain
from videostyle.resize import resize_long_side
from videostyle.visualize.grid import contact_sheet
from videostyle.visualize.invert import InvertOptions, invert_layers
from videostyle.visualize.maximize import MaximizeOptions, maximize
from videostyle.visualize.saliency import saliency_figure
from videostyle.visualize.targets import parse_targets
from videostyle.visualize.texture import TextureOptions, synthesize_texture
from videostyle.visualize.top_activations import top_activations, top_activations_figure

CLASSES = ("goldfish", "flamingo", "tarantula", "pineapple")
INVERT_LAYERS = ("stem", "block2", "block4", "block7", "block10", "block15", "head")
MAX_BYTES = 150_000


def save_jpeg(image: torch.Tensor, path: Path) -> int:
    """Write the largest-quality JPEG under MAX_BYTES; returns its size in bytes."""
    picture = Image.fromarray(tensor_to_frame(image))
    for quality in (90, 85, 80, 75, 70, 60, 50):
        with atomic_output(path, overwrite=True) as tmp:
            picture.save(tmp, format="JPEG", quality=quality, optimize=True)
        if path.stat().st_size <= MAX_BYTES:
            break
    return path.stat().st_size


def classes(net: Backbone, photo: torch.Tensor, style_dir: Path) -> torch.Tensor:
    images = [drain(maximize(net, t.objective, MaximizeOptions(seed=0))) for t in parse_targets(list(CLASSES), net)]
    return contact_sheet(images, list(CLASSES), columns=len(images))


def multiscale(net: Backbone, photo: torch.Tensor, style_dir: Path) -> torch.Tensor:
    """cnn-vis's high-resolution mode: 224 px, then 320 px as overlapping 224 px tiles."""
    options = MaximizeOptions(steps=160, size=320, scales=2, start_size=224, seed=0)
    targets = parse_targets(["goldfish", "flamingo"], net)
    images = [drain(maximize(net, t.objective, options)) for t in targets]
    return contact_sheet(images, [f"{t.label}, 320 px in tiles" for t in targets], columns=2)


def langevin(net: Backbone, photo: torch.Tensor, style_dir: Path) -> torch.Tensor:
    """Three samples of one class: Langevin noise after every step (and a seed per sample)."""
    (target,) = parse_targets(["goldfish"], net)
    images = [
        drain(maximize(net, target.objective, MaximizeOptions(steps=128, size=160, tile=160, langevin_noise=0.02, seed=i)))
        for i in range(3)
    ]
    return contact_sheet(images, [f"goldfish #{i + 1}" for i in range(3)], columns=3)


def inversion(net: Backbone, photo: torch.Tensor, style_dir: Path) -> torch.Tensor:
    image = resize_long_side(photo, 160)
    results = drain(invert_layers(net, image, INVERT_LAYERS, InvertOptions(steps=150, seed=0)))
    return contact_sheet([image, *results], ["photo", *INVERT_LAYERS], columns=4)


def textures(net: Backbone, photo: torch.Tensor, style_dir: Path) -> torch.Tensor:
    layers = backbone_spec(net.name).style_layers
    cells, labels = [], []
    for path in sorted(style_dir.glob("*.png"))[:3]:
        style = resize_long_side(read_image(path).to(photo.device), 192)
        texture = drain(synthesize_texture(net, style, (192, 288), layers, TextureOptions(steps=200, seed=0)))
        cells += [torch.nn.functional.pad(style, (0, 288 - style.shape[-1]), value=1.0), texture]
        labels += [f"style: {path.stem}", "texture"]
    return contact_sheet(cells, labels, columns=2)


def saliency(net: Backbone, photo: torch.Tensor, style_dir: Path) -> torch.Tensor:
    cup = frame_to_tensor(next(iter(read_frames(style_dir.parent / "clip.mp4"))).rgb, photo.device)
    figures = [saliency_figure(net, resize_long_side(image, 224)) for image in (photo, cup)]
    return contact_sheet(figures, columns=1, pad=0)


def channels(net: Backbone, photo: torch.Tensor, style_dir: Path) -> torch.Tensor:
    options = MaximizeOptions(size=128, steps=128, jitter=8, seed=0)
    targets = parse_targets(["block4:0-3", "block10:0-3"], net)
    images = [drain(maximize(net, t.objective, options)) for t in targets]
    return contact_sheet(images, [t.label for t in targets], columns=4)


def top_patches(net: Backbone, photo: torch.Tensor, style_dir: Path) -> torch.Tensor:
    """One block4 unit over frames of the sample clip, the photo and the styles: deconvnet and guided projections."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i, frame in enumerate(read_frames(style_dir.parent / "clip.mp4")):
            if i % 8 == 0:
                write_image(frame_to_tensor(frame.rgb), folder / f"frame{i:03d}.png")
        write_image(photo, folder / "photo.png")
        for path in style_dir.glob("*.png"):
            write_image(read_image(path), folder / path.name)
        figures = [
            top_activations_figure(drain(top_activations(net, folder, "block4", 5, 9, 224, method)), cell=64)
            for method in ("deconvnet", "guided")
        ]
    return contact_sheet(figures, ["block4:5, deconvnet projections | patches", "guided projections | patches"], columns=2)


PICTURES: dict[str, Callable[[Backbone, torch.Tensor, Path], torch.Tensor]] = {
    "saliency": saliency,
    "inversion": inversion,
    "textures": textures,
    "classes": classes,
    "multiscale": multiscale,
    "langevin": langevin,
    "channels": channels,
    "top_activations": top_patches,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--samples", type=Path, default=Path("samples"))
    parser.add_argument("--device", default="auto")
    parser.add_argument("--only", nargs="*", choices=list(PICTURES), help="make only these pictures")
    args = parser.parse_args(argv)
    net = load_backbone("efficientnet-lite0", resolve_device(args.device))
    photo = read_image(args.samples / "photo.jpg").to(net.normalize.mean.device)
    args.outdir.mkdir(parents=True, exist_ok=True)
    for name in args.only or PICTURES:
        path = args.outdir / f"visualize_{name}.jpg"
        size = save_jpeg(PICTURES[name](net, photo, args.samples / "styles"), path)
        print(f"wrote {path} ({size // 1000} kB)")  # a script's report, not library output


if __name__ == "__main__":
    main()
