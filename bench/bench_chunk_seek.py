"""Time to the first frame of the last chunk: seeking there against decoding from frame 0.

    python bench/bench_chunk_seek.py [--seconds 15] [--height 320] [--workers 8] [--preroll 8] [--repeat 3]

A chunk worker of ``--workers N`` starts at frame ``first - preroll`` of its chunk; before the reader
could seek, the last chunk's worker decoded 7/8 of the film to get there. The clip is a camera move
over samples/photo.jpg with a little grain (so the frames cost what real ones do), encoded as films
are: H.264 with B-frames, one keyframe every ``--gop`` frames (2 s), and once more with x264's default
(up to 250 frames). Both ways are timed side by side on the same file, median of ``--repeat`` runs,
and their frames are checked to be identical.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from itertools import islice
from pathlib import Path

import av
import numpy as np
from PIL import Image

from videostyle.media import read_frames

PHOTO = Path(__file__).resolve().parents[1] / "samples" / "photo.jpg"


def film(path: Path, frames: int, height: int, gop: int | None) -> Path:
    """A pan with a slow zoom over the sample photo at 24 fps, 16:9, B-frames, keyframe every ``gop``."""
    photo = np.asarray(Image.open(PHOTO).convert("RGB"))
    h, w = photo.shape[:2]
    size = (height * 16 // 9 // 2 * 2, height)
    grain = np.random.default_rng(0)
    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=24)
        video.width, video.height = size
        video.pix_fmt = "yuv420p"
        video.options = {"preset": "veryfast", "crf": "20", **({"g": str(gop), "keyint_min": str(gop)} if gop else {})}
        for index in range(frames):
            scale = 0.7 - 0.3 * index / frames
            cw, ch = int(w * scale), int(w * scale * size[1] / size[0])
            x = min(w - cw, int((w - cw) * index / frames))
            y = min(h - ch, int((h - ch) * (0.5 + 0.4 * np.sin(index / 40))))
            crop = np.asarray(Image.fromarray(photo[y : y + ch, x : x + cw]).resize(size, Image.BILINEAR), np.int16)
            crop = np.clip(crop + grain.integers(-6, 7, crop.shape), 0, 255).astype(np.uint8)
            frame = av.VideoFrame.from_ndarray(crop, format="rgb24")
            frame.pts = index
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
    return path


def first_frame(path: Path, skip: int, seek: bool) -> tuple[float, int, bytes]:
    """Seconds from opening the file to frame ``skip`` in hand, and that frame's pts and pixels."""
    began = time.perf_counter()
    frames = read_frames(path, skip=skip if seek else 0)
    frame = next(frames) if seek else next(islice(frames, skip, None))
    seconds = time.perf_counter() - began
    frames.close()  # type: ignore[attr-defined]
    return seconds, frame.pts, frame.rgb.tobytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--height", type=int, default=320)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--preroll", type=int, default=8)
    parser.add_argument("--gop", type=int, default=48)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    frames = round(args.seconds * 24)
    skip = (args.workers - 1) * frames // args.workers - args.preroll
    print(f"{frames} frames at {args.height}p, last of {args.workers} chunks: first frame {skip + args.preroll}, read from {skip}")
    print("| keyframes | decode from 0 (s) | seek (s) | ratio |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for gop in (args.gop, None):
            path = film(Path(folder) / f"film-{gop}.mp4", frames, args.height, gop)
            times: dict[bool, list[float]] = {False: [], True: []}
            firsts = {}
            for _ in range(args.repeat):
                for seek in (False, True):
                    seconds, pts, rgb = first_frame(path, skip, seek)
                    times[seek].append(seconds)
                    firsts[seek] = (pts, rgb)
            assert firsts[True] == firsts[False], "seeking gave another frame"
            linear, seeking = statistics.median(times[False]), statistics.median(times[True])
            label = f"every {gop}" if gop else "x264 default (<= 250)"
            print(f"| {label} | {linear:.3f} | {seeking:.3f} | {linear / seeking:.1f} x |")


if __name__ == "__main__":
    main()
