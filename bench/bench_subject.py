"""Does the stylized subject survive (issue 25)? Subject fidelity and style closeness, side by side.

    python bench/bench_subject.py [--clips pale_horse,cat,astronaut,rocket,sample] [--stills photo,astronaut]
        [--style samples/styles/shipwreck.jpg] [--size 192] [--frames 12] [--iterations 40] [--threads 1]
        [--setting default --setting strength=0.5 --setting option:color_init=false --setting arbitrary ...]
        [--save FOLDER] [--keep FOLDER] [--seeds 8]
    python bench/bench_subject.py --measure FOLDER [--setting ...] [--seeds 8]

Clips come from tools/subject_clips.py (hand-held camera over CC0 stills; ``pale_horse`` is a white
horse on a white wall) and ``sample`` is samples/clip.mp4; stills are ``photo`` (samples/photo.jpg)
or any scikit-image photo name. Videos run in the default temporal mode, stills as single images.
Settings: ``default``; ``strength=S`` (--style-strength S); ``option:NAME=VALUE[,NAME=VALUE]``
(StyleOptions fields, e.g. ``option:color_init=false``); ``arbitrary`` (--model builtin:arbitrary
--stabilize). Per input and setting it prints:

- **edges**: subject fidelity, the Pearson correlation between the Sobel magnitude of the blurred
  luminance of the result and of the input, averaged over the frames (1: every edge where it was);
- **color** and **texture**: style distance (lower is closer to the style), two measures the loss does
  not optimize: the sliced Wasserstein distance between the RGB colors of the result's and the style
  image's pixels, and between their 7x7 luminance patches less each patch's mean;
- **contrast** and **pattern**: texture's two parts (it follows the first): the result's mean 7x7 patch
  contrast over the painting's (1: as much), and the sliced Wasserstein distance of the patches scaled to
  unit contrast (the strokes' shapes; lower is closer);
- **s**: wall seconds of the run, and the ratio to the first setting's.

The style distances are the mean ± standard deviation over ``--seeds`` seeds of the sliced Wasserstein
distance's random samples and directions: differences within a few of those are the measure's noise.

``--save FOLDER`` writes, per input, the middle frame of each setting beside the input (FOLDER/NAME.png).
``--keep FOLDER`` keeps every frame of every run (FOLDER/NAME/SETTING.pt, and the input's), and
``--measure FOLDER`` prints the table of kept runs again without rendering (e.g. with other ``--seeds``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from videostyle.color import rgb_to_yiq
from videostyle.feedforward import InferenceOptions
from videostyle.feedforward import iter_apply_model_video as iter_network_video
from videostyle.media import frame_to_tensor, read_frames, read_image, write_image
from videostyle.progress import drain
from videostyle.resize import fit_size, resize, resize_long_side
from videostyle.stylize import StyleOptions, Stylizer, TemporalOptions
from videostyle.stylize.run import iter_stylize_video
from videostyle.video import FrameList, OutputOptions

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "bench"))
from bench_drift import parse_option  # noqa: E402  (same folder)
from subject_clips import make_clips  # noqa: E402

PATTERN_FLOOR = 0.07
"""Patches with less contrast (norm of the 49 luminance values less their mean; 0.01 RMS) have no pattern."""

_SOBEL = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])


def edge_map(image: torch.Tensor, sigma: float = 1.0) -> torch.Tensor:
    """Sobel gradient magnitude of the Gaussian-blurred luminance of a (1,3,H,W) image."""
    luma = rgb_to_yiq(image)[:, :1]
    radius = max(1, round(3 * sigma))
    x = torch.arange(-radius, radius + 1, dtype=image.dtype)
    kernel = torch.exp(-(x**2) / (2 * sigma**2))
    kernel = kernel / kernel.sum()
    luma = F.conv2d(F.pad(luma, (radius, radius, 0, 0), mode="replicate"), kernel.view(1, 1, 1, -1))
    luma = F.conv2d(F.pad(luma, (0, 0, radius, radius), mode="replicate"), kernel.view(1, 1, -1, 1))
    padded = F.pad(luma, (1, 1, 1, 1), mode="replicate")
    gx = F.conv2d(padded, _SOBEL.view(1, 1, 3, 3).to(image))
    gy = F.conv2d(padded, _SOBEL.t().reshape(1, 1, 3, 3).to(image))
    return (gx.pow(2) + gy.pow(2)).sqrt()


def edge_correlation(result: torch.Tensor, content: torch.Tensor) -> float:
    """Pearson correlation of the two edge maps (the content resized to the result's size)."""
    a = edge_map(result).flatten()
    b = edge_map(resize(content, tuple(result.shape[-2:]))).flatten()
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / (a.norm() * b.norm()).clamp_min(1e-12))


def sliced_wasserstein(
    x: torch.Tensor, y: torch.Tensor, projections: int = 64, samples: int | None = 4096, seed: int = 0
) -> float:
    """Sliced Wasserstein-1 distance between two point clouds (N,D) and (M,D); ``samples`` None: all points
    (the larger cloud's sorted projections are resampled to the smaller's count)."""
    g = torch.Generator().manual_seed(seed)
    if samples is not None:
        x = x[torch.randint(len(x), (samples,), generator=g)]
        y = y[torch.randint(len(y), (samples,), generator=g)]
    directions = F.normalize(torch.randn(x.shape[1], projections, generator=g), dim=0)
    px, _ = (x @ directions).sort(dim=0)
    py, _ = (y @ directions).sort(dim=0)
    if len(px) != len(py):
        count = min(len(px), len(py))
        px, py = (p[torch.linspace(0, len(p) - 1, count).round().long()] for p in (px, py))
    return float((px - py).abs().mean())


def luma_patches(image: torch.Tensor, size: int = 7) -> torch.Tensor:
    """(N, size*size) luminance patches of a (1,3,H,W) image, each less its own mean."""
    patches = F.unfold(rgb_to_yiq(image)[:, :1], size, stride=2)[0].t()
    return patches - patches.mean(dim=1, keepdim=True)


def style_distances(result: torch.Tensor, style: torch.Tensor, seed: int = 0) -> tuple[float, float, float, float]:
    """(color, texture, contrast, pattern) of the result against the style at the result's size.

    texture, the sliced Wasserstein distance of the 7x7 luminance patches, mostly measures how much local
    contrast there is (issue 25: on the cat clip the unstylized input is 0.0085 from The Shipwreck and
    every stylization 0.021-0.031, ranked as their patches' contrast), so the two parts are given apart:
    contrast, the result's mean patch contrast (RMS about the patch's mean) over the style's (1: as much
    as the painting), and pattern, the same distance between the patches scaled to unit contrast (those
    with any), the shapes of the painting's strokes whatever their contrast.
    """
    style = resize_long_side(style, max(result.shape[-2:]))
    color = sliced_wasserstein(result[0].reshape(3, -1).t(), style[0].reshape(3, -1).t(), seed=seed)
    ours, theirs = luma_patches(result), luma_patches(style)
    texture = sliced_wasserstein(ours, theirs, seed=seed)
    ours_norm, theirs_norm = ours.norm(dim=1), theirs.norm(dim=1)
    contrast = float(ours_norm.mean() / theirs_norm.mean())
    ours, theirs = (p[n > PATTERN_FLOOR] / n[n > PATTERN_FLOOR, None] for p, n in ((ours, ours_norm), (theirs, theirs_norm)))
    pattern = sliced_wasserstein(ours, theirs, seed=seed) if len(ours) else float("nan")
    return color, texture, contrast, pattern


def style_options(setting: str, steps: int) -> StyleOptions:
    if setting == "default":
        return StyleOptions(steps=steps)
    if setting.startswith("strength="):
        return StyleOptions(steps=steps, style_strength=float(setting.partition("=")[2]))
    if setting.startswith("option:"):
        return StyleOptions(steps=steps, **dict(parse_option(o) for o in setting[7:].split(",")))
    raise SystemExit(f"error: unknown setting {setting!r}")


def run_video(clip: Path, style: Path, setting: str, args: argparse.Namespace) -> list[torch.Tensor]:
    sink, output = FrameList(), OutputOptions(size=args.size, duration=args.frames / 24)  # every clip is 24 fps
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "out.mp4"
        if setting == "arbitrary":
            options = InferenceOptions(style_images=(style,), stabilize=True)
            drain(iter_network_video(clip, target, "builtin:arbitrary", options, output, sink=sink))
        else:
            options = style_options(setting, args.iterations)
            drain(iter_stylize_video(clip, target, [style], options, output, temporal=TemporalOptions(), sink=sink))
    return [frame_to_tensor(frame.rgb) for frame in sink.frames]


def run_still(image: torch.Tensor, style: Path, setting: str, args: argparse.Namespace) -> list[torch.Tensor]:
    style_image = read_image(style)
    if setting == "arbitrary":
        from videostyle.feedforward.arbitrary import builtin_stylizer

        engine = builtin_stylizer("builtin:arbitrary", InferenceOptions(style_images=(style,)), torch.device("cpu"))
        return [engine.images(image)]
    stylizer = Stylizer([style_image], style_options(setting, args.iterations), torch.device("cpu"))
    return [drain(stylizer.run(image))]


def still(name: str, size: int) -> torch.Tensor:
    if name == "photo":
        image = read_image(ROOT / "samples/photo.jpg")
    else:
        from skimage import data

        image = frame_to_tensor(np.ascontiguousarray(getattr(data, name)()))
    return resize(image, fit_size(*image.shape[-2:], size, even=True))


def measure(results: list[torch.Tensor], frames: list[torch.Tensor], style: torch.Tensor, seeds: int) -> str:
    """The table's edges and style cells: the sliced Wasserstein distances as mean ± standard deviation
    over ``seeds`` seeds of their samples and directions (the measure's own noise)."""
    edges = np.mean([edge_correlation(r, c) for r, c in zip(results, frames)])
    per_seed = np.array([np.mean([style_distances(r, style, seed) for r in results], axis=0) for seed in range(seeds)])
    (color, texture, contrast, pattern), spread = per_seed.mean(axis=0), per_seed.std(axis=0)
    return (f"{edges:.3f} | {color:.4f} ± {spread[0]:.4f} | {texture:.4f} ± {spread[1]:.4f} | {contrast:.2f} | "
            f"{pattern:.4f} ± {spread[3]:.4f}")


def keep(folder: Path, name: str, setting: str, images: list[torch.Tensor]) -> None:
    """Write a run's frames (uint8, lossless: they come from 8-bit frames) so ``--measure`` needs no re-render."""
    (folder / name).mkdir(parents=True, exist_ok=True)
    torch.save(torch.cat([(i * 255).round().to(torch.uint8) for i in images]), folder / name / f"{setting}.pt")


def kept(folder: Path, name: str, setting: str) -> list[torch.Tensor]:
    return [f[None].float() / 255 for f in torch.load(folder / name / f"{setting}.pt")]


def remeasure(folder: Path, settings: list[str] | None, style: torch.Tensor, seeds: int) -> None:
    """The table of the runs ``--keep FOLDER`` wrote (seconds are not kept), and of the unstylized input."""
    for input_folder in sorted(p for p in folder.iterdir() if p.is_dir()):
        frames = kept(folder, input_folder.name, "input")
        names = settings or ["input"] + sorted(p.stem for p in input_folder.glob("*.pt") if p.stem != "input")
        for setting in names:
            results = kept(folder, input_folder.name, setting)
            print(f"| {input_folder.name} | {setting} | {measure(results, frames, style, seeds)} | | |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clips", default="pale_horse,cat,astronaut,rocket,sample")
    parser.add_argument("--stills", default="")
    parser.add_argument("--style", type=Path, default=ROOT / "samples/styles/shipwreck.jpg")
    parser.add_argument("--size", type=int, default=192)
    parser.add_argument("--frames", type=int, default=12)
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--setting", action="append")
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--save", type=Path)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--measure", type=Path)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    style = read_image(args.style)
    header = ("| input | setting | edges | color | texture | contrast | pattern | s | time vs first |\n"
              "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    if args.measure:
        print(f"style {args.style.name}, kept runs of {args.measure}, {args.seeds} seeds\n\n{header}")
        remeasure(args.measure, args.setting, style, args.seeds)
        return
    settings = args.setting or ["default", "arbitrary"]
    print(f"style {args.style.name}, {args.size} px, {args.frames} frames, {args.iterations} iterations, "
          f"{torch.get_num_threads()} torch threads, {args.seeds} seeds\n\n{header}")
    with tempfile.TemporaryDirectory() as folder:
        clip_names = [c for c in args.clips.split(",") if c and c != "sample"]
        clips = make_clips(Path(folder), args.size, args.frames, tuple(clip_names))
        if "sample" in args.clips.split(","):
            clips["sample"] = ROOT / "samples/clip.mp4"
        inputs: dict[str, tuple[list[torch.Tensor], Callable[[str], list[torch.Tensor]]]] = {}
        for name, path in clips.items():
            frames = [frame_to_tensor(f.rgb) for f, _ in zip(read_frames(path), range(args.frames))]
            inputs[name] = (frames, lambda s, p=path: run_video(p, args.style, s, args)[: args.frames])
        for name in filter(None, args.stills.split(",")):
            image = still(name, args.size)
            inputs[f"still:{name}"] = ([image], lambda s, i=image: run_still(i, args.style, s, args))
        for name, (frames, run) in inputs.items():
            first_time, shown = None, [frames[len(frames) // 2]]
            if args.keep:
                keep(args.keep, name, "input", frames)
            for setting in settings:
                start = time.perf_counter()
                results = run(setting)
                seconds = time.perf_counter() - start
                first_time = first_time or seconds
                if args.keep:
                    keep(args.keep, name, setting, results)
                print(f"| {name} | {setting} | {measure(results, frames, style, args.seeds)} | {seconds:.0f} | "
                      f"{seconds / first_time:.2f}x |", flush=True)
                shown.append(results[len(results) // 2])
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                size = tuple(shown[-1].shape[-2:])
                write_image(torch.cat([resize(s, size) for s in shown], dim=-1), args.save / f"{name}.png", overwrite=True)


if __name__ == "__main__":
    main()
