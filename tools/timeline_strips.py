"""Regenerate the strips of the artist's timeline (issue 21): a style transition, a loop's wrap, a beat.

    python tools/timeline_strips.py                    # all three, on the CPU
    python tools/timeline_strips.py --only loop        # one of transition, loop, beat

Runs the exact ``videostyle`` commands that the captions in README.md, docs/stylize.md and
docs/dream.md name (STRIPS below) and lays the chosen frames of each output side by side in
docs/images/timeline_<name>.jpg (under 200 KB each), printing each command's own report (the loop's
closure line) so the captions can quote it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from videostyle.media import frame_to_tensor, read_frames
from videostyle.visualize import contact_sheet

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.visualize_gallery import save_jpeg  # noqa: E402  (run as a script from anywhere)

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Strip:
    """A command writing OUT (replaced by a temporary file) and the frames to show, with their labels."""

    command: str
    frames: dict[int, str]


STRIPS: dict[str, Strip] = {
    "transition": Strip(
        "videostyle stylize samples/clip.mp4 -o OUT.mp4 --model builtin:arbitrary --size 256 --duration 3"
        " --style-at 1s:samples/styles/brush_strokes.png --style-at 2s:samples/styles/ink_rings.png --ease smooth",
        {12: "0.5 s", 24: "1 s: key, brush strokes", 30: "1.25 s", 36: "1.5 s: half way", 42: "1.75 s", 48: "2 s: key, ink rings"},
    ),
    "loop": Strip(
        "videostyle dream samples/photo.jpg -o OUT.mp4 --size 256 --frames 120 --zoom 1.03 --rotate 0.2"
        " --octaves 2 --steps 5 --seed 0 --loop",
        {117: "frame 117", 118: "frame 118", 119: "frame 119 (last)", 0: "frame 0 (first)", 1: "frame 1", 2: "frame 2"},
    ),
    "beat": Strip(
        "videostyle dream samples/photo.jpg -o OUT.mp4 --size 256 --frames 44 --zoom 1.01 --octaves 2 --steps 5"
        " --seed 0 --audio samples/clip.mp4 --react zoom=onset:0.08 --react step=onset:3",
        {37: "frame 37", 38: "frame 38", 39: "frame 39", 40: "frame 40: the pluck", 41: "frame 41", 42: "frame 42"},
    ),
}


def render(command: str, output: Path) -> None:
    """Run ``command`` (a ``videostyle ...`` line) with OUT.mp4 replaced by ``output``, from the repository root."""
    args = [str(output) if word == "OUT.mp4" else word for word in command.split()[1:]]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))}
    subprocess.run([sys.executable, "-m", "videostyle", *args, "--device", "cpu"], cwd=ROOT, env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=sorted(STRIPS))
    args = parser.parse_args()
    for name, strip in STRIPS.items():
        if args.only not in (None, name):
            continue
        with tempfile.TemporaryDirectory() as folder:
            video = Path(folder) / f"{name}.mp4"
            render(strip.command, video)
            frames = {k: frame_to_tensor(f.rgb) for k, f in enumerate(read_frames(video)) if k in strip.frames}
        sheet = contact_sheet([frames[k] for k in strip.frames], list(strip.frames.values()), columns=len(strip.frames))
        target = ROOT / "docs" / "images" / f"timeline_{name}.jpg"
        print(f"{target.relative_to(ROOT)}: {save_jpeg(sheet, target) // 1000} KB")


if __name__ == "__main__":
    main()
