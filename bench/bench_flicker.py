"""Flicker of optimized video stylization (issue 12): E_warp of the result vs the input's own.

    python bench/bench_flicker.py [--clip samples/clip.mp4 | --pan] [--size 128] [--frames 16]
        [--iterations 40] [--temporal name=value ...] [--option name=value ...]

Stylizes the clip (or, with --pan, the synthetic astronaut pan of the tests) in the temporal mode,
then prints the JSON of ``videostyle metrics`` (warping error of the result and of the input, and
their ratio). The goal of issue 12 is a ratio of at most 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import torch

from videostyle.metrics import iter_warping_error
from videostyle.progress import drain
from videostyle.stylize import StyleOptions, TemporalOptions
from videostyle.stylize.run import iter_stylize_video
from videostyle.video import OutputOptions

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from bench_drift import parse_option  # noqa: E402  (same folder)
from conftest import make_moving_clip  # noqa: E402  (the tests' synthetic pan)


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
        clip = Path(args.clip)
        if args.pan:
            width = args.size
            clip = make_moving_clip(Path(folder) / "pan.mp4", (width, width * 3 // 4 // 2 * 2), args.frames)
        duration = None if args.pan else args.frames / 24.0
        output = OutputOptions(size=args.size, duration=duration)
        result = Path(folder) / "out.mp4"
        drain(iter_stylize_video(clip, result, [args.style], options, output, temporal=temporal))
        report = drain(iter_warping_error(clip, result, duration=duration))
    print(json.dumps({"clip": "pan" if args.pan else args.clip, "temporal": args.temporal, **report}, indent=2))


if __name__ == "__main__":
    main()
