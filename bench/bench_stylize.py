"""Cost of one style-transfer optimization iteration vs the backbone's bare forward+backward.

    python bench/bench_stylize.py [--size 512] [--device cpu|cuda] [--reps 5] [--backbones ...]

For each backbone, side by side in one run: ms for a bare forward to the deepest layer the style
loss needs plus backward to the image, and ms per iteration of the real optimization loop (content +
Gram style + TV losses, Adam step, clipping). The ratio shows the loop's overhead; the goal on a GPU
is <= 1.2. VGG weights are random when absent locally: timing does not depend on weight values.
"""

from __future__ import annotations

import argparse
import time

import torch
from torchvision.models import vgg

from videostyle.backbones import BACKBONES, Backbone, Normalize, load_backbone
from videostyle.backbones.vgg import vgg_stages
from videostyle.errors import WeightsError
from videostyle.stylize import StyleOptions, Stylizer


def backbone_for_timing(name: str, device: torch.device) -> tuple[Backbone, str]:
    try:
        return load_backbone(name, device, download=False), "pretrained"
    except WeightsError:
        config = {"vgg19": "E", "vgg16": "D"}[name]
        net = vgg.VGG(vgg.make_layers(vgg.cfgs[config]), init_weights=False)
        return Backbone(name, vgg_stages(net, config), Normalize((0.5,) * 3, (0.25,) * 3)).to(device), "random"


def timed(fn, reps: int, device: torch.device) -> float:
    """Median milliseconds of ``fn`` over ``reps`` runs after one warm-up run."""
    fn()
    times = []
    for _ in range(reps):
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        start = time.perf_counter()
        fn()
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2]


def bench(name: str, size: int, reps: int, device: torch.device) -> tuple[float, float, str]:
    backbone, weights = backbone_for_timing(name, device)
    spec = BACKBONES[name]
    layers = spec.content_layers + spec.style_layers
    cut = backbone.truncated(layers)
    image = torch.rand(1, 3, size, size, device=device)
    style = torch.rand(1, 3, size, size, device=device)

    def bare() -> None:
        x = image.clone().requires_grad_(True)
        feats = cut(x, layers)
        sum(f.float().mean() for f in feats.values()).backward()

    stylizer = Stylizer([style], StyleOptions(backbone=name, steps=reps + 1), device, backbone=backbone)
    steps = stylizer.run(image)

    def iteration() -> None:
        next(steps)

    return timed(bare, reps, device), timed(iteration, reps - 1 if reps > 1 else 1, device), weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--backbones", nargs="+", default=list(BACKBONES))
    args = parser.parse_args()
    device = torch.device(args.device)
    print(f"device {device} ({torch.cuda.get_device_name(device) if device.type == 'cuda' else f'{torch.get_num_threads()} threads'}), "
          f"{args.size}x{args.size}, median of {args.reps}")
    print(f"{'backbone':<20}{'weights':<12}{'bare fwd+bwd ms':>17}{'iteration ms':>15}{'ratio':>8}")
    for name in args.backbones:
        bare_ms, iter_ms, weights = bench(name, args.size, args.reps, device)
        print(f"{name:<20}{weights:<12}{bare_ms:>17.1f}{iter_ms:>15.1f}{iter_ms / bare_ms:>8.2f}")


if __name__ == "__main__":
    main()
