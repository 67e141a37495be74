"""Temporal coherence of optimized video stylization: the table of issue 3.

    python bench/bench_temporal.py [--clip samples/clip.mp4] [--style samples/styles/brush_strokes.png]
        [--size 256] [--frames 16] [--iterations 50] [--passes 3] [--device cpu|cuda] [--threads 1]

For each mode (--no-temporal, warped init only, warped init + temporal loss, + long-term, multi-pass)
it stylizes the first --frames frames of the clip through the real pipeline (decode, stylize, H.264
encode) and prints a markdown table: E_warp of the result (Lai et al. 2018, flow on the input; DIS as
in `videostyle metrics`, and Farneback as an independent check), as a fraction of --no-temporal's and
as a multiple of the input's own E_warp; the mean style loss of the frames (relative Gram error, the
same for every mode, so lower is more stylized); and seconds per frame.

A second table answers "how many iterations does a frame need": for frames after the first, the
iteration at which the (content + style + TV) loss first reaches the level the first frame ended at,
starting from the content vs from the flow-warped previous result.

Without --clip and samples/clip.mp4 it makes a synthetic clip: a camera pan over skimage's astronaut
with a textured disk moving its own way. The defaults run in about 10 minutes on one CPU core.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import replace
from fractions import Fraction
from itertools import islice
from pathlib import Path

import numpy as np
import torch

from videostyle.flow import make_flow
from videostyle.media import VideoWriter, frame_to_tensor, probe_video, read_frames, read_image
from videostyle.metrics import warping_error
from videostyle.progress import drain
from videostyle.resize import fit_size, resize
from videostyle.video import OutputOptions
from videostyle.stylize import StyleOptions, Stylizer, TemporalOptions, iter_stylize_video
from videostyle.stylize.temporal import WarpedPrior

SAMPLE_CLIP = Path(__file__).resolve().parent.parent / "samples" / "clip.mp4"
SAMPLE_STYLE = Path(__file__).resolve().parent.parent / "samples" / "styles" / "brush_strokes.png"


def synthetic_clip(path: Path, frames: int, size: tuple[int, int] = (320, 240)) -> Path:
    """Camera pan over astronaut plus a textured disk on its own path, rendered at 2x and area-downsampled."""
    import cv2
    from skimage import data

    w, h = size
    background = cv2.resize(data.astronaut(), (3 * w, 3 * w), interpolation=cv2.INTER_CUBIC)
    radius = 0.13 * w
    texture = cv2.resize(data.coffee(), (round(4 * radius),) * 2, interpolation=cv2.INTER_AREA)
    ys, xs = np.mgrid[0 : 2 * h, 0 : 2 * w]
    with VideoWriter(path, fps=Fraction(24), crf=12, overwrite=True) as writer:
        for t in range(frames):
            pan = np.float32([[1, 0, -2 * (20 + 2.6 * t)], [0, 1, -2 * (30 + 1.1 * t)]])
            big = cv2.warpAffine(background, pan, (2 * w, 2 * h), flags=cv2.INTER_LINEAR)
            cx, cy = 2 * (0.7 * w - 3.7 * t), 2 * (0.35 * h + 1.6 * t)
            place = np.float32([[1, 0, cx - 2 * radius], [0, 1, cy - 2 * radius]])
            disk = cv2.warpAffine(texture, place, (2 * w, 2 * h), flags=cv2.INTER_LINEAR)
            inside = ((xs - cx) ** 2 + (ys - cy) ** 2 <= (2 * radius) ** 2)[..., None]
            writer.write(cv2.resize(np.where(inside, disk, big), (w, h), interpolation=cv2.INTER_AREA))
    return path


def modes(passes: int) -> dict[str, tuple[StyleOptions, TemporalOptions]]:
    """The rows of the table: (style option changes, temporal options) per mode."""
    return {
        "--no-temporal": (StyleOptions(init="content"), TemporalOptions(temporal=False)),
        "warped init only": (StyleOptions(), TemporalOptions(temporal_weight=0)),
        "warped init + temporal loss (default)": (StyleOptions(), TemporalOptions()),
        "+ long-term (--long-term 3)": (StyleOptions(), TemporalOptions(long_term=3)),
        f"multi-pass (--passes {passes})": (StyleOptions(), TemporalOptions(passes=passes)),
    }


def mean_style_loss(video: Path, stylizer: Stylizer) -> float:
    """Unweighted style loss (relative Gram error, as the stylizer defines it) averaged over the frames."""
    losses = []
    with torch.no_grad():
        for frame in read_frames(video):
            image = frame_to_tensor(frame.rgb, stylizer.device)
            loss = stylizer.style_loss(image)
            losses.append(float(loss(image, stylizer.backbone(image, stylizer.style_layers))))
    return statistics.fmean(losses)


def iterations_to_reach(losses: list[float], level: float) -> int | None:
    """1-based iteration at which ``losses`` first reach ``level``, None if never."""
    return next((i + 1 for i, loss in enumerate(losses) if loss <= level), None)


def run_losses(
    stylizer: Stylizer, content: torch.Tensor, init: torch.Tensor | None, iterations: int
) -> tuple[list[float], torch.Tensor]:
    """Per-step (content + style + TV) loss, excluding any temporal term, and the result."""
    losses: list[float] = []
    steps = stylizer.run(content, init, None, steps=iterations)
    while True:
        try:
            step = next(steps)
        except StopIteration as stop:
            return losses, stop.value
        losses.append(sum(v for k, v in step.parts.items() if k != "temporal"))


def warm_start_table(clip: Path, stylizer: Stylizer, size: tuple[int, int], frames: int, flow_preset: str) -> None:
    contents = [resize(frame_to_tensor(f.rgb, stylizer.device), size) for f in islice(read_frames(clip), frames)]
    iterations = stylizer.options.steps
    first_losses, first = run_losses(stylizer, contents[0], None, iterations)
    level = first_losses[-1]
    prior = WarpedPrior(make_flow("dis", stylizer.device, flow_preset), 0.0)
    prior.start(contents[0])
    prior.update(contents[0], first)
    cold, warm = [], []
    for content in contents[1:]:
        init = prior.start(content).init
        cold_losses, _ = run_losses(stylizer, content, None, iterations)
        warm_losses, result = run_losses(stylizer, content, init, iterations)
        prior.update(content, result)
        cold.append(iterations_to_reach(cold_losses, level))
        warm.append(iterations_to_reach(warm_losses, level))

    def show(values: list[int | None]) -> str:
        reached = [v for v in values if v is not None]
        median = f"{statistics.median(reached):.0f}" if reached else "-"
        return f"{median} (reached in {len(reached)}/{len(values)} frames)"

    print(f"\nIterations for frames 2..{frames} to reach the first frame's final loss {level:.4g} "
          f"(content + style + TV, {iterations} iterations, same learning rate):\n")
    print("| start | median iterations to reach it |")
    print("| --- | --- |")
    print(f"| content (as frame 1) | {show(cold)} |")
    print(f"| warped previous result | {show(warm)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clip", type=Path, default=None)
    parser.add_argument("--style", type=Path, default=SAMPLE_STYLE)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--frames", type=int, default=16)
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--flow-preset", default="medium")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads for torch (0: torch's default)")
    parser.add_argument("--only", default=None, help="comma-separated row numbers to run (1-based)")
    parser.add_argument("--no-iterations-table", action="store_true")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    with tempfile.TemporaryDirectory(prefix="temporal-table-") as tmp:
        folder = Path(tmp)
        clip = args.clip or SAMPLE_CLIP
        if not clip.exists():
            clip = synthetic_clip(folder / "synthetic.mp4", args.frames)
        info = probe_video(clip)
        duration = float(Fraction(args.frames) / info.fps) - 1e-3
        output = OutputOptions(size=args.size, duration=duration, crf=18, preset="medium")
        size = fit_size(info.height, info.width, args.size, even=True)
        style = read_image(args.style)
        base = StyleOptions(steps=args.iterations, seed=0)
        judge = Stylizer([style], base, device)
        print(f"clip {clip.name} ({args.frames} frames at {size[1]}x{size[0]}), style {args.style.name}, "
              f"{args.iterations} iterations, device {device}, torch threads {torch.get_num_threads()}\n")
        print("| mode | E_warp (DIS) | vs --no-temporal | vs input | E_warp (Farneback) | vs input "
              "| style loss | s/frame |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        rows = list(modes(args.passes).items())
        chosen = {int(i) for i in args.only.split(",")} if args.only else set(range(1, len(rows) + 1))
        reference = None
        for number, (name, (style_changes, temporal)) in enumerate(rows, start=1):
            if number not in chosen:
                continue
            options = replace(base, init=style_changes.init)
            temporal = replace(temporal, flow_preset=args.flow_preset)
            target = folder / f"mode{number}.mp4"
            started = time.perf_counter()
            drain(iter_stylize_video(clip, target, [style], options, output, device, temporal=temporal))
            seconds = (time.perf_counter() - started) / args.frames
            dis = warping_error(clip, target, "dis", args.flow_preset, device=device, duration=duration)
            far = warping_error(clip, target, "farneback", "medium", device=device, duration=duration)
            e, e_in = dis["warping_error"]["stylized"], dis["warping_error"]["input"]
            f, f_in = far["warping_error"]["stylized"], far["warping_error"]["input"]
            reference = reference if reference is not None else e
            print(f"| {name} | {e:.5f} | {e / reference:.3f}x | {e / e_in:.2f}x | {f:.5f} | {f / f_in:.2f}x | "
                  f"{mean_style_loss(target, judge):.4f} | {seconds:.2f} |", flush=True)
        print(f"\ninput's own E_warp: {e_in:.5f} (DIS), {f_in:.5f} (Farneback)")
        if not args.no_iterations_table:
            warm_start_table(clip, judge, size, min(args.frames, 6), args.flow_preset)


if __name__ == "__main__":
    main()
