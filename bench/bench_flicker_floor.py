"""The flicker floor (issue 12): the E_warp ratio of a perfectly steady stylization of the same footage.

    python bench/bench_flicker_floor.py [--pan] [--size 256] [--frames 16] [--iterations 40]
        [--style samples/styles/stained_glass.png]

Both bench clips are a camera moving over a still picture (the pan of the tests; samples/clip.mp4, a
pan and zoom with a ball bouncing by), so a stylization without any flicker can be made: stylize the
still once (at the frames' texture scale) and move the same camera over the result. Its warping error
is what the yardstick itself adds: flow error on texture that is sharper and more colorful than the
input, and the codec. Prints, as JSON, that video's E_warp and its ratio to the input's own
(``videostyle metrics``, the same estimator and masks) for its frames in memory, written as H.264
4:4:4 and as H.264 4:2:0 (how ``stylize`` writes, default quality): read bench_flicker.py's
figures against these.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import av
import numpy as np
import torch

from videostyle.flow import FlowOptions
from videostyle.media import frame_to_tensor, read_frames
from videostyle.media.video_writer import VideoWriter
from videostyle.metrics import sequence_warping_error
from videostyle.resize import fit_size, resize
from videostyle.stylize import StyleOptions, stylize_image
from videostyle.video import OutputOptions

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # ROOT first: tests/ has a tools package too
from conftest import moving_frame, pan_photo  # noqa: E402  (the tests' synthetic pan)
from tools.samples import CLIP_SIZE, _skimage_photo, clip_frames  # noqa: E402  (how samples/clip.mp4 was made)

CLIP_ZOOM = 1.1
"""The sample clip's mean zoom (output pixels per photo pixel; it eases from 1 to 1.2)."""


def to_uint8(image: torch.Tensor) -> np.ndarray:
    return np.ascontiguousarray((image[0].clamp(0, 1).permute(1, 2, 0).numpy() * 255 + 0.5).astype(np.uint8))


def steady_stylization(still: np.ndarray, scale: float, frame_side: int, style: str, iterations: int) -> np.ndarray:
    """``still`` stylized once, at its own size. ``scale`` = output pixels per still pixel: the style
    image is sized so that its texture lands on the frames (long side ``frame_side``) as fine as when
    each frame is stylized."""
    options = StyleOptions(steps=iterations, seed=0, style_scale=frame_side / (scale * max(still.shape[:2])))
    return to_uint8(stylize_image(frame_to_tensor(still), [style], options))


def codec_roundtrip(frames: Sequence[np.ndarray], path: Path, chroma: str) -> list[torch.Tensor]:
    """``frames`` through H.264 and back: "420" as ``stylize`` writes them, "444" with full-resolution color."""
    if chroma == "420":
        output = OutputOptions()
        with VideoWriter(path, fps=24, crf=output.crf, preset=output.preset) as writer:
            for frame in frames:
                writer.write(frame)
    else:
        with av.open(str(path), "w") as out:
            stream = out.add_stream("libx264", rate=24)
            stream.height, stream.width = frames[0].shape[:2]
            stream.pix_fmt, stream.options = "yuv444p", {"crf": str(OutputOptions().crf)}
            for index, frame in enumerate(frames):
                picture = av.VideoFrame.from_ndarray(frame, format="rgb24")
                picture.pts = index
                out.mux(stream.encode(picture))
            out.mux(stream.encode(None))
    return [frame_to_tensor(f.rgb) for f in read_frames(path)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pan", action="store_true", help="the tests' synthetic pan instead of samples/clip.mp4")
    parser.add_argument("--style", default="samples/styles/stained_glass.png")
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--frames", type=int, default=16)
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.pan:  # bench_flicker's pan: frames as encoded (near lossless), the camera on the stylized still
        from bench_flicker import pan_clip

        size = (args.size, args.size * 3 // 4 // 2 * 2)
        steady = steady_stylization(pan_photo(size), 1.0, args.size, args.style, args.iterations)
        ideal = [moving_frame(index, size, photo=steady) for index in range(args.frames)]
        with tempfile.TemporaryDirectory() as folder:
            inputs = [frame_to_tensor(f.rgb) for f in read_frames(pan_clip(Path(folder), args.size, args.frames))]
    else:  # samples/clip.mp4 resized to the working size, as stylize reads it; the ball is left as is
        height, width = fit_size(CLIP_SIZE[1], CLIP_SIZE[0], args.size, even=True)
        scale = CLIP_ZOOM * width / CLIP_SIZE[0]
        steady = steady_stylization(_skimage_photo("coffee"), scale, width, args.style, args.iterations)
        frames = (frame_to_tensor(f) for _, f in zip(range(args.frames), clip_frames(steady)))
        ideal = [to_uint8(resize(frame, (height, width))) for frame in frames]
        source = read_frames(ROOT / "samples" / "clip.mp4", None, args.frames / 24)
        inputs = [resize(frame_to_tensor(f.rgb), (height, width)) for f in source]
    flow = FlowOptions().estimator()
    report = {"clip": "pan" if args.pan else "samples/clip.mp4", "size": list(ideal[0].shape[:2]), "frames": len(ideal)}
    with tempfile.TemporaryDirectory() as folder:
        versions = {
            "in_memory": [frame_to_tensor(f) for f in ideal],
            "h264_444": codec_roundtrip(ideal, Path(folder) / "444.mp4", "444"),
            "h264_420": codec_roundtrip(ideal, Path(folder) / "420.mp4", "420"),
        }
        for name, outputs in versions.items():
            errors = sequence_warping_error(inputs, outputs, flow)
            report[name] = {**errors, "ratio": errors["stylized"] / errors["input"]}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
