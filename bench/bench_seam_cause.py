"""What differs between a 1-worker frame at a chunk boundary and the chunk's frame (issue 20).

    python bench/bench_seam_cause.py [sample|pan] [BOUNDARY=48] [PREROLL=8]

Renders the clip (the optimizing engine, 64 px, 20 steps, as bench_seams.py) once from frame 0 and
once as a chunk warming up from BOUNDARY - PREROLL, and prints per frame: the style loss after each
run of warm steps, mean RGB, Laplacian variance, mean luma gradient (sharpness) and the mean absolute
difference to the 1-worker frame; then, at the boundary, how much of the squared difference is
coarse (8x8 block means), and the seam's E_warp with the chunk frame's channel means made the
1-worker frame's. The difference that stays with more preroll and is fine-grained is the strokes.
"""

from __future__ import annotations

import sys
from itertools import islice
from pathlib import Path

import cv2
import numpy as np
import torch
import torch.nn.functional as F

from bench_drift import sharpness
from bench_seams import CLIP, STYLE, pan_clip
from videostyle.flow import FlowOptions, carry
from videostyle.media import frame_to_tensor, read_frames, read_image
from videostyle.metrics import pair_warping_error
from videostyle.progress import drain
from videostyle.resize import fit_size, resize
from videostyle.stylize import StyleOptions, Stylizer, TemporalOptions
from videostyle.stylize.run import make_prior
from videostyle.stylize.temporal import StyleLevel, StylizeWork

AFTER = 4


class Logged(StylizeWork):
    """StylizeWork that keeps the style loss of each run of steps of the latest frame."""

    losses: list[float]

    def optimize(self, content, init, start, steps=None):  # type: ignore[no-untyped-def]
        image, style = yield from super().optimize(content, init, start, steps)
        self.losses.append(style)
        return image, style


def render(frames: list[torch.Tensor], first: int, options: StyleOptions) -> dict[int, tuple[torch.Tensor, list[float]]]:
    """Frames ``first`` on, from a fresh prior (a chunk's warm-up when ``first`` > 0)."""
    stylizer = Stylizer([read_image(STYLE)], options, torch.device("cpu"))
    level = StyleLevel(make_prior(options, TemporalOptions(), torch.device("cpu")))
    work = Logged(stylizer, tuple(frames[0].shape[-2:]), TemporalOptions(), level=level)
    out = {}
    for index in range(first, len(frames)):
        work.losses = []
        out[index] = (drain(work.frame(frames[index], level)), work.losses)
    return out


def laplacian_variance(image: torch.Tensor) -> float:
    grey = (image[0].permute(1, 2, 0).numpy() * 255).astype(np.float32).mean(2)
    return float(cv2.Laplacian(grey, cv2.CV_32F).var())


def main() -> None:
    torch.set_num_threads(1)
    name = sys.argv[1] if len(sys.argv) > 1 else "sample"
    boundary, preroll = (int(sys.argv[2]) if len(sys.argv) > 2 else 48), (int(sys.argv[3]) if len(sys.argv) > 3 else 8)
    clip = CLIP if name == "sample" else pan_clip(Path("/tmp") / "bench_seam_cause_pan.mp4")
    frames = [frame_to_tensor(f.rgb) for f in islice(read_frames(clip), boundary + AFTER)]
    frames = [resize(f, fit_size(*f.shape[-2:], 64, even=True)) for f in frames]
    options = StyleOptions(steps=20, seed=0)
    whole, chunk = render(frames, 0, options), render(frames, boundary - preroll, options)
    print(f"{name}, boundary {boundary}, preroll {preroll}\n")
    print("| frame | render | style loss per run of steps | mean RGB | Laplacian var | sharpness | mean abs diff |")
    print("|---|---|---|---|---|---|---|")
    for index in range(boundary - preroll, boundary + AFTER):
        for label, rows in (("1 worker", whole), ("chunk", chunk)):
            image, losses = rows[index]
            rgb = "/".join(f"{m:.3f}" for m in image.mean((0, 2, 3)).tolist())
            diff = float((image - whole[index][0]).abs().mean())
            print(f"| {index} | {label} | {' '.join(f'{s:.0f}' for s in losses)} | {rgb} | {laplacian_variance(image):.0f} | "
                  f"{sharpness(image):.4f} | {diff:.4f} |")
    a, b = whole[boundary][0], chunk[boundary][0]
    coarse = float((F.avg_pool2d(a, 8) - F.avg_pool2d(b, 8)).pow(2).mean())
    pair = carry(FlowOptions().estimator(torch.device("cpu")), frames[boundary - 1], frames[boundary])
    matched = b - b.mean((2, 3), keepdim=True) + a.mean((2, 3), keepdim=True)
    print(f"\nat {boundary}: squared difference {float((a - b).pow(2).mean()):.5f}, of 8x8 block means {coarse:.5f}; "
          f"seam E_warp {pair_warping_error(whole[boundary - 1][0], b, pair):.5f}, with the 1-worker channel means "
          f"{pair_warping_error(whole[boundary - 1][0], matched, pair):.5f}, 1-worker pair {pair_warping_error(whole[boundary - 1][0], a, pair):.5f}")


if __name__ == "__main__":
    main()
