"""Peak resident memory of whole CLI runs against video length: it should stay flat.

    python bench/bench_rss.py [--frames 48,192,768] [--size 64x48] [--engines model,stylize,dream]

Each run is a fresh `python -m videostyle` process on a synthetic clip of the given length; its
peak RSS comes from the kernel (``resource.getrusage(RUSAGE_CHILDREN)`` after it ends), so imports,
weights and every thread are counted. Frames are streamed, so a long clip should cost what a short
one costs. Prints one row per engine and length (MB, seconds).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import torch

from videostyle.feedforward.johnson.model_file import ModelInfo, save_model
from videostyle.feedforward.johnson.network import NetworkConfig, StyleNetwork


def make_clip(path: Path, frames: int, size: tuple[int, int]) -> Path:
    width, height = size
    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=Fraction(25))
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"preset": "ultrafast"}
        x = np.arange(width)[None, :, None]
        for index in range(frames):
            rgb = ((x + index * 3 + np.zeros((height, 1, 3))) % 256).astype(np.uint8)
            picture = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            picture.pts = index
            out.mux(video.encode(picture))
        out.mux(video.encode(None))
    return path


def peak_rss_mb(args: list[str], cwd: Path) -> tuple[float, float]:
    """Run one CLI process to its end; (its peak RSS in MB, seconds). One child at a time, so the
    children's maximum is this child's whenever it exceeds all earlier ones: each run starts in
    its own wrapper process to keep the figures apart."""
    probe = (
        "import resource, subprocess, sys;"
        "done = subprocess.run(sys.argv[1:]);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode)"
    )
    began = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", probe, sys.executable, "-m", "videostyle", *args],
        cwd=cwd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    kilobytes, code = result.stdout.split()[-2:]
    if code != "0":
        raise SystemExit(f"run failed: {args}\n{result.stderr[-2000:]}")
    return int(kilobytes) / 1024, time.monotonic() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", default="48,192,768")
    parser.add_argument("--size", default="64x48")
    parser.add_argument("--engines", default="model,stylize")
    options = parser.parse_args()
    width, height = (int(v) for v in options.size.split("x"))
    lengths = [int(v) for v in options.frames.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        torch.manual_seed(0)
        network = StyleNetwork(NetworkConfig(styles=1, width=0.5))
        save_model(network, ModelInfo(network.config, ("a",), "bench", {}), work / "m.safetensors")
        style = work / "style.png"
        from PIL import Image

        Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)).save(style)
        common = ["--device", "cpu", "--quiet", "--overwrite"]
        commands = {
            "model": lambda clip: ["stylize", clip, "--model", "m.safetensors", "-o", "o.mp4", *common],
            "stylize": lambda clip: ["stylize", clip, "-s", "style.png", "-o", "o.mp4", "--iterations", "1",
                                     "--warm-iterations", "1", "--offline", *common],
            "dream": lambda clip: ["dream", clip, "-o", "o.mp4", "--steps", "1", "--octaves", "1", "--offline", *common],
        }
        clips = {frames: make_clip(work / f"clip{frames}.mp4", frames, (width, height)).name for frames in lengths}
        print(f"{'engine':8} {'frames':>6} {'peak RSS MB':>12} {'seconds':>8}")
        for engine in options.engines.split(","):
            for frames, clip in clips.items():
                rss, seconds = peak_rss_mb(commands[engine](clip), work)
                print(f"{engine:8} {frames:>6} {rss:>12.0f} {seconds:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
