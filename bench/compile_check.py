"""--compile for real: torch.compile (inductor) through the project's own switch, against eager, on tiny networks.

    python bench/compile_check.py [--device cpu|cuda] [--steps 20]

A script, not a test: inductor's first (cold) compile of even a one-convolution network took 27 s on
this project's 2-core CPU machine, and the optimization step's forward and backward 43 s (issue 24).
Side by side in one run, for the feed-forward pipeline's network (``InferenceOptions(compile=True)``)
and the optimization step's loss (``StyleOptions(compile=True)``): the seconds of the first compiled
call, the largest difference from eager (first optimization step's loss and result, which must agree
to float rounding; later steps drift apart as Adam turns rounding into whole steps), and the time per
call eager and compiled. Prints one line per figure and exits 1 when a result disagrees.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from videostyle.backbones.backbone import Backbone, Normalize  # noqa: E402
from videostyle.device import resolve_device  # noqa: E402
from videostyle.feedforward.inference import FrameStylizer  # noqa: E402
from videostyle.feedforward.inference_options import InferenceOptions  # noqa: E402
from videostyle.stylize.options import StyleOptions  # noqa: E402
from videostyle.stylize.stylizer import Stylizer  # noqa: E402


class TinyNetwork(nn.Module):
    """network(images, style) -> images, as FrameStylizer runs it: two convolutions and a style shift."""

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 3, 3, padding=1))

    def forward(self, images: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.body(images) + style.mean())


def tiny_backbone(device: torch.device) -> Backbone:
    stages = [
        ("c1", nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU())),
        ("c2", nn.Sequential(nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU())),
    ]
    return Backbone("tiny", stages, Normalize((0.5,) * 3, (0.5,) * 3)).to(device)


def seconds(run, device: torch.device) -> float:  # type: ignore[no-untyped-def]
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    start = time.perf_counter()
    run()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return time.perf_counter() - start


def network_figures(device: torch.device, reps: int) -> dict[str, float]:
    torch.manual_seed(0)
    network, style = TinyNetwork(), torch.rand(1, 4)
    images = torch.rand(4, 3, 64, 64, device=device)
    engines = {c: FrameStylizer(network, style, device, InferenceOptions(precision="fp32", compile=c)) for c in (False, True)}
    eager = engines[False].images(images)
    first = seconds(lambda: engines[True].images(images), device)
    diff = (engines[True].images(images) - eager).abs().max().item()
    per_call = {c: seconds(lambda c=c: [engines[c].images(images) for _ in range(reps)], device) / reps for c in engines}
    return {"first_call_s": first, "max_diff": diff, "ms_eager": 1000 * per_call[False], "ms_compiled": 1000 * per_call[True]}


def step_figures(device: torch.device, steps: int) -> dict[str, float]:
    torch.manual_seed(0)
    backbone = tiny_backbone(device)
    style, content = torch.rand(1, 3, 64, 64, device=device), torch.rand(1, 3, 48, 64, device=device)

    def stylizer(compile: bool) -> Stylizer:
        options = StyleOptions(content_layers=("c2",), style_layers=("c1", "c2"), compile=compile, seed=0)
        return Stylizer([style], options, device, backbone=backbone)

    def first_step(engine: Stylizer) -> tuple[float, torch.Tensor]:
        run = engine.run(content, steps=1)
        loss = next(run).loss
        try:
            next(run)
        except StopIteration as stop:
            return loss, stop.value
        raise AssertionError("one step yields once")

    engines = {c: stylizer(c) for c in (False, True)}
    eager_loss, eager_image = first_step(engines[False])
    first = seconds(lambda: first_step(engines[True]), device)
    loss, image = first_step(engines[True])

    def run(engine: Stylizer) -> None:
        for _ in engine.run(content, steps=steps):
            pass

    per_step = {c: seconds(lambda c=c: run(engines[c]), device) / steps for c in engines}
    return {
        "first_step_s": first, "loss_rel_diff": abs(loss - eager_loss) / abs(eager_loss),
        "image_max_diff": (image - eager_image).abs().max().item(),
        "ms_per_step_eager": 1000 * per_step[False], "ms_per_step_compiled": 1000 * per_step[True],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    device = resolve_device(args.device)
    net, step = network_figures(device, args.steps), step_figures(device, args.steps)
    print("feed-forward network  " + "  ".join(f"{k} {v:.4g}" for k, v in net.items()))
    print("optimization step     " + "  ".join(f"{k} {v:.4g}" for k, v in step.items()))
    print(f"compiled/eager: network {net['ms_compiled'] / net['ms_eager']:.2f}x, step {step['ms_per_step_compiled'] / step['ms_per_step_eager']:.2f}x")
    agree = net["max_diff"] < 1e-5 and step["loss_rel_diff"] < 1e-5 and step["image_max_diff"] < 1e-4
    print("results agree with eager" if agree else "RESULTS DIFFER FROM EAGER")
    return 0 if agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
