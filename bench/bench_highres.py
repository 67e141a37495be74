"""High-resolution stylize: peak memory and time per step, whole image vs tiles (issue 12).

    python bench/bench_highres.py [--sizes 1024,2048,4096] [--tile 1024] [--whole-max 2048] [--steps 2]
        [--threads 2] [--device cpu]

Each row is a fresh process that stylizes samples/photo.jpg at the given long side (one scale, the
default options otherwise) and reports its own peak RSS (``ru_maxrss``, so weights, imports and
every thread count), the set-up time (weights, style targets, content features) and the mean time
per optimization step. "whole" sees the image in one piece (``--tile`` above the size); "tiles" uses
``--tile``, with whole-image style statistics. Whole-image runs above --whole-max are skipped: at
4096 px they need more memory than a 24 GB machine has. On CUDA the peak is also read from the allocator.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
import torch
from videostyle.media import read_image
from videostyle.resize import resize_long_side
from videostyle.stylize import StyleOptions, Stylizer

size, tile, steps, threads, device = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
torch.set_num_threads(threads)
device = torch.device(device)
began = time.monotonic()
content = resize_long_side(read_image("samples/photo.jpg"), size).to(device)
stylizer = Stylizer([read_image("samples/styles/shipwreck.jpg")], StyleOptions(steps=steps, tile=tile), device)
run = stylizer.run(content)
times = []
for step in run:
    step.loss  # waits for the device
    times.append(time.monotonic())
setup = times[0] - began - (times[1] - times[0] if len(times) > 1 else 0)
gpu = torch.cuda.max_memory_allocated() / 2**20 if device.type == "cuda" else None
print(json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "gpu_mb": gpu,
                  "setup_s": setup, "step_s": (times[-1] - times[0]) / max(1, len(times) - 1) if len(times) > 1 else times[0] - began}))
"""


def measure(size: int, tile: int, steps: int, threads: int, device: str) -> dict[str, float]:
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(size), str(tile), str(steps), str(threads), device],
        cwd=root, capture_output=True, text=True,
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1024,2048,4096")
    parser.add_argument("--tile", type=int, default=1024)
    parser.add_argument("--whole-max", type=int, default=2048)
    parser.add_argument("--steps", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    print(f"stylize samples/photo.jpg, {args.steps} steps, {args.threads} threads, {args.device}")
    print("| long side | run | peak RSS MB | GPU peak MB | set-up s | s/step | RSS tiles/whole | time tiles/whole |")
    print("|---|---|---|---|---|---|---|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        tile = min(args.tile, size // 2) if size <= args.tile else args.tile  # a size that fits one tile is cut in four
        rows = {"tiles": measure(size, tile, args.steps, args.threads, args.device)}
        rows["whole"] = measure(size, 16384, args.steps, args.threads, args.device) if size <= args.whole_max else {}
        for name, row in rows.items():
            if "error" in row:
                print(f"| {size} | {name} | failed: {row['error']} | | | | | |")
                continue
            if not row:
                print(f"| {size} | whole | skipped (over --whole-max) | | | | | |")
                continue
            whole = rows["whole"]
            ratios = (
                f"{row['peak_mb'] / whole['peak_mb']:.2f} | {row['step_s'] / whole['step_s']:.2f}"
                if name == "tiles" and whole and "error" not in whole else " | "
            )
            gpu = f"{row['gpu_mb']:.0f}" if row.get("gpu_mb") is not None else "-"
            label = f"tiles of {tile}" if name == "tiles" else "whole"
            print(f"| {size} | {label} | {row['peak_mb']:.0f} | {gpu} | {row['setup_s']:.1f} | {row['step_s']:.2f} | {ratios} |", flush=True)


if __name__ == "__main__":
    main()
