"""Regenerate the README's strip of the first, middle and last frames of a stylized samples/clip.mp4.

    python tools/clip_strip.py
    python tools/clip_strip.py --video out/clip_stained_glass.mp4 --frames 0,30,60,95 \
        --output docs/images/stylize_clip_frames.jpg          # the strip of `make run`'s output

Runs the exact ``videostyle stylize`` command that the README's caption names (COMMAND; default
temporal settings, CPU, about 15 minutes on one core), then lays the three frames side by side in
docs/images/clip_strip.jpg. With --video it lays out the given frames of an existing video instead.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from videostyle.media import frame_to_tensor, read_frames
from videostyle.visualize import contact_sheet

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.visualize_gallery import save_jpeg  # noqa: E402  (run as a script from anywhere)

ROOT = Path(__file__).resolve().parent.parent
COMMAND = (
    "videostyle stylize samples/clip.mp4 -s samples/styles/shipwreck.jpg -o clip_shipwreck.mp4"
    " --duration 2 --size 384 --steps 100 --seed 0 --device cpu"
)
"""The README caption's command: 48 frames at the clip's own size; --steps 100 instead of 200 for time."""


def render(folder: Path) -> Path:
    """Run COMMAND, writing into ``folder``; returns the video."""
    output = folder / "clip_shipwreck.mp4"
    args = COMMAND.split()[1:]
    args[args.index("-o") + 1] = str(output)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))}
    subprocess.run([sys.executable, "-m", "videostyle", *args], cwd=ROOT, env=env, check=True)
    return output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--video", type=Path, help="an existing video (default: render COMMAND)")
    parser.add_argument("--frames", help="comma-separated frame numbers (default: first, middle, last)")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "images" / "clip_strip.jpg")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        video = args.video or render(Path(folder))
        wanted = {int(k) for k in args.frames.split(",")} if args.frames else None
        frames = {k: frame_to_tensor(f.rgb) for k, f in enumerate(read_frames(video)) if wanted is None or k in wanted}
    last = max(frames)
    if wanted is None:
        picks = {"first": 0, "middle": last // 2 + (last % 2), "last": last}
        frames = {k: frames[k] for k in picks.values()}
        labels = [f"{name}: frame {k}" for name, k in picks.items()]
    else:
        labels = [f"frame {k}" for k in frames]
    sheet = contact_sheet(list(frames.values()), labels, columns=len(frames))
    size = save_jpeg(sheet, args.output)
    print(f"{args.output}: {size // 1000} KB")


if __name__ == "__main__":
    main()
