"""Flicker of optimized video stylization (issue 12): E_warp of the result vs the input's own.

    python bench/bench_flicker.py [--clip samples/clip.mp4 | --pan] [--size 128] [--frames 16]
        [--iterations 40] [--temporal name=value ...] [--option name=value ...]

Stylizes the clip (or, with --pan, the synthetic astronaut pan of the tests) in the temporal mode,
then prints the JSON of ``videostyle metrics`` (warping error of the result and of the input, and
their ratio; the result written as H.264 4:2:0 at the default quality, as ``stylize`` writes it),
and under "in_memory" the same for the frames as they leave the stylizer, before the codec. The goal
of issue 12 is a ratio of at most 2. bench/bench_flicker_floor.py gives the ratio a perfectly steady
stylization would score on the same footage: the floor against which to read these.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import torch

from videostyle.flow import FlowOptions
from videostyle.media import frame_to_tensor, read_frames
from videostyle.media.video_writer import VideoWriter
from videostyle.metrics import iter_warping_error, sequence_warping_error
from videostyle.progress import drain
from videostyle.resize import resize
from videostyle.stylize import StyleOptions, TemporalOptions
from videostyle.stylize.run import iter_stylize_video
from videostyle.video import FrameList, OutputOptions

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from bench_drift import parse_option  # noqa: E402  (same folder)
from conftest import make_moving_clip  # noqa: E402  (the tests' synthetic pan)


def pan_clip(folder: Path, width: int, frames: int) -> Path:
    """The tests' synthetic pan, ``width`` wide and 3/4 as tall (even)."""
    return make_moving_clip(folder / "pan.mp4", (width, width * 3 // 4 // 2 * 2), frames)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clip", default="samples/clip.mp4")
    parser.add_argument("--pan", action="store_true", help="use the tests' synthetic pan instead of --clip")
    parser.add_argument("--style", default="samples/styles/stained_glass.png")
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--frames", type=int, default=16)
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--option", action="append", default=[])
    parser.add_argument("--temporal", action="append", default=[])
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    options = StyleOptions(steps=args.iterations, **dict(parse_option(o) for o in args.option))
    temporal = TemporalOptions(**dict(parse_option(o, TemporalOptions) for o in args.temporal))
    with tempfile.TemporaryDirectory() as folder:
        clip = pan_clip(Path(folder), args.size, args.frames) if args.pan else Path(args.clip)
        duration = None if args.pan else args.frames / 24.0
        output = OutputOptions(size=args.size, duration=duration)
        sink, result = FrameList(), Path(folder) / "out.mp4"
        drain(iter_stylize_video(clip, result, [args.style], options, output, temporal=temporal, sink=sink))
        with VideoWriter(result, fps=24, crf=output.crf, preset=output.preset) as writer:
            for frame in sink.frames:
                writer.write(frame.rgb)
        report = drain(iter_warping_error(clip, result, duration=duration))
        size = sink.frames[0].rgb.shape[:2]
        inputs = [resize(frame_to_tensor(f.rgb), size) for f in read_frames(clip, None, duration)]
        outputs = [frame_to_tensor(f.rgb) for f in sink.frames]
        memory = sequence_warping_error(inputs, outputs, FlowOptions().estimator())
    memory["ratio"] = memory["stylized"] / memory["input"]
    summary = {"clip": "pan" if args.pan else args.clip, "temporal": args.temporal, **report, "in_memory": memory}
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
