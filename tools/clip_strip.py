"""Regenerate the README's strip of the first, middle and last frames of a stylized samples/clip.mp4.

    python tools/clip_strip.py

Runs the exact ``videostyle stylize`` command that the README's caption names (COMMAND; default
temporal settings, CPU, about 15 minutes on one core), then lays the three frames side by side in
docs/images/clip_strip.jpg.
"""

from __future__ import annotations

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


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "clip_shipwreck.mp4"
        args = COMMAND.split()[1:]
        args[args.index("-o") + 1] = str(output)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))}
        subprocess.run([sys.executable, "-m", "videostyle", *args], cwd=ROOT, env=env, check=True)
        frames = [frame_to_tensor(f.rgb) for f in read_frames(output)]
    picks = {"first": 0, "middle": len(frames) // 2, "last": len(frames) - 1}
    labels = [f"{name}: frame {k}" for name, k in picks.items()]
    sheet = contact_sheet([frames[k] for k in picks.values()], labels, columns=3)
    size = save_jpeg(sheet, ROOT / "docs" / "images" / "clip_strip.jpg")
    print(f"docs/images/clip_strip.jpg: {size // 1000} KB")


if __name__ == "__main__":
    main()
