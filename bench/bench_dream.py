"""Frames per second of the DeepDream zoom loop, end to end (dream, camera move, encode to mp4).

    python bench/bench_dream.py [--device cpu|cuda] [--size 1280x720] [--octaves 2] [--steps 10]
                                [--frames 12] [--layers block7,block10]

Each frame is dreamed from the previous one moved by the camera (zoom 1.03, 0.5° turn), as
`videostyle dream photo.jpg -o zoom.mp4 --frames N` does, and written with the real VideoWriter. The
first frame (warm-up: allocator, cuDNN autotuning) is left out of the rate. Also printed: ms of one
gradient step (forward + backward of the backbone to the dream layers, normalized step, jitter)
at the full size, the floor under the loop's cost. Goal on a GPU: >= 5 frames/s at 1280x720 with
2 octaves x 10 steps. Defaults: 256x144, 2 octaves x 10 steps, 6 frames on the CPU; 1280x720 and
24 frames on CUDA.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch

from videostyle.backbones import load_backbone
from videostyle.device import resolve_device
from videostyle.dream import DreamOptions, Dreamer, Motion, iter_dream_animation, parse_schedule
from videostyle.progress import FrameProgress, drain
from videostyle.video import OutputOptions


def photo(width: int, height: int, device: torch.device) -> torch.Tensor:
    """The sample cat when scikit-image is there, else smooth colour waves: dreams need some structure."""
    try:
        from skimage import data

        image = torch.from_numpy(data.chelsea().copy()).permute(2, 0, 1)[None].float() / 255
    except ImportError:
        y, x = torch.meshgrid(torch.linspace(0, 6, 300), torch.linspace(0, 9, 450), indexing="ij")
        image = torch.stack([x.sin(), y.cos(), (x + y).sin()])[None] * 0.4 + 0.5
    return torch.nn.functional.interpolate(image, size=(height, width), mode="bilinear", antialias=True).to(device)


def synced(device: torch.device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return time.perf_counter()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="auto")
    parser.add_argument("--size", default=None, help="WxH (default 256x144 on CPU, 1280x720 on CUDA)")
    parser.add_argument("--octaves", type=int, default=2)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--frames", type=int, default=None, help="default 6 on CPU, 24 on CUDA")
    parser.add_argument("--layers", default=None, help="comma-separated dream layers (default: the backbone's)")
    args = parser.parse_args()
    device = resolve_device(args.device)
    gpu = device.type == "cuda"
    width, height = map(int, (args.size or ("1280x720" if gpu else "256x144")).split("x"))
    frames = args.frames or (24 if gpu else 6)
    layers = tuple((name, 1.0) for name in args.layers.split(",")) if args.layers else ()
    options = DreamOptions(layers=layers, octaves=args.octaves, steps=args.steps, seed=0)
    dreamer = Dreamer(options, device, backbone=load_backbone(options.backbone, device))
    image = photo(width, height, device)

    # One gradient step at full size, the unit of work (median of 5 after a warm-up).
    single = DreamOptions(layers=layers, octaves=1, steps=1, seed=0)
    one = Dreamer(single, device, backbone=dreamer.backbone)
    drain(one.run(image))
    times = []
    for _ in range(5):
        start = synced(device)
        drain(one.run(image))
        times.append(synced(device) - start)
    step_ms = sorted(times)[2] * 1000

    motion = Motion(zoom=parse_schedule("1.03"), rotate=parse_schedule("0.5"))
    stamps = []
    with tempfile.TemporaryDirectory() as tmp:
        events = iter_dream_animation(
            image, Path(tmp) / "zoom.mp4", dreamer, motion, frames, output=OutputOptions(size=max(width, height))
        )
        for event in events:
            if isinstance(event, FrameProgress) and event.step is None:
                stamps.append(synced(device))
    rate = (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else float("nan")
    name = torch.cuda.get_device_name(device) if gpu else f"cpu ({torch.get_num_threads()} threads)"
    print(f"device: {name}; size {width}x{height}; {args.octaves} octaves x {args.steps} steps; layers "
          f"{','.join(n for n, _ in options.targets()[0])}")
    print(f"one gradient step at full size: {step_ms:.1f} ms")
    print(f"zoom loop: {rate:.2f} frames/s over {len(stamps) - 1} frames after the first (goal on GPU at 1280x720: >= 5)")


if __name__ == "__main__":
    main()
