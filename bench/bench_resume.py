"""What a kill costs a resumable video job, and whether the resume leaves a seam.

    python bench/bench_resume.py [--kills 5] [--size 96] [--steps 20] [--seed 0]

Stylizes samples/clip.mp4 (96 frames, 24 fps, segments of 48 frames) with ``--work-dir``, kills the
process with SIGKILL at a random moment ``--kills`` times, reruns it each time, and lets the last run
finish. For each kill: frames finished before the kill (from the job's JSON progress), frames the
rerun kept, and so frames computed twice. Then an uninterrupted run of the same job, and E_warp of
both videos on every frame pair and on the pairs across the resume points (a seam would show there).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import av
import numpy as np
import torch

from videostyle.flow import FlowOptions, carry
from videostyle.media import frame_to_tensor
from videostyle.metrics import pair_warping_error
from videostyle.resize import resize

ROOT = Path(__file__).resolve().parents[1]
CLIP = ROOT / "samples" / "clip.mp4"
STYLE = ROOT / "samples" / "styles" / "brush_strokes.png"


def job(target: Path, work: Path | None, args: argparse.Namespace) -> list[str]:
    argv = [sys.executable, "-m", "videostyle", "stylize", str(CLIP), "-s", str(STYLE), "-o", str(target),
            "--size", str(args.size), "--steps", str(args.steps), "--seed", str(args.seed), "--device", "cpu"]
    return argv + (["--work-dir", str(work)] if work is not None else [])


def env() -> dict[str, str]:
    return {**os.environ, "VIDEOSTYLE_PROGRESS": "json", "PYTHONPATH": str(ROOT)}


def run(argv: list[str], kill_after: float | None) -> tuple[int, int, bool]:
    """(frames done when it ended, frames kept from earlier runs, whether it was killed).

    Progress lines are read on a thread, so the kill lands at the chosen moment whatever the child prints.
    """
    child = subprocess.Popen(argv, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen = {"done": 0, "kept": 0}

    def read() -> None:
        for line in child.stderr:  # type: ignore[union-attr]
            if line.startswith("{"):
                event = json.loads(line)
                seen["kept"] = event.get("resumed", seen["kept"])
                seen["done"] = event.get("done", seen["done"])

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        child.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGKILL)
        child.wait()
    reader.join()
    return seen["done"], seen["kept"], child.returncode == -signal.SIGKILL


def frames_of(path: Path) -> list[torch.Tensor]:
    with av.open(str(path)) as container:
        return [frame_to_tensor(f.to_ndarray(format="rgb24"), "cpu") for f in container.decode(video=0)]


def pair_errors(content: list[torch.Tensor], video: list[torch.Tensor]) -> list[float]:
    estimator = FlowOptions().estimator("cpu")
    return [
        pair_warping_error(video[t], video[t + 1], carry(estimator, content[t], content[t + 1]))
        for t in range(len(video) - 1)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--size", type=int, default=96)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        started = time.monotonic()
        reference = tmp / "reference.mp4"
        run(job(reference, None, args), None)
        seconds = time.monotonic() - started
        print(f"uninterrupted: {seconds:.1f} s for 96 frames")

        target, work = tmp / "resumed.mp4", tmp / "work"
        rows, resumes, previous_done = [], [], 0
        for kill in range(args.kills + 1):
            last = kill == args.kills
            done, kept, killed = run(job(target, work, args), None if last else rng.uniform(2, seconds * 0.9))
            if kill:
                rows.append((previous_done, kept, previous_done - kept))
                resumes.append(kept)
            previous_done = done
            if not killed:
                break
        print("| kill | frames done at kill | frames kept by the rerun | frames computed again |")
        print("| --- | --- | --- | --- |")
        for k, (done, kept, lost) in enumerate(rows, 1):
            print(f"| {k} | {done} | {kept} | {lost} |")
        if rows:
            print(f"mean frames computed again per kill: {sum(r[2] for r in rows) / len(rows):.1f}")

        with av.open(str(CLIP)) as container:
            content = [frame_to_tensor(f.to_ndarray(format="rgb24"), "cpu") for f in container.decode(video=0)]
        ours, theirs = frames_of(target), frames_of(reference)
        size = ours[0].shape[-2:]
        content = [resize(c, tuple(size)) for c in content]
        identical = len(ours) == len(theirs) and all(torch.equal(a, b) for a, b in zip(ours, theirs))
        errors = pair_errors(content, ours)
        seams = [errors[k - 1] for k in sorted(set(resumes)) if 0 < k <= len(errors)]
        print(f"frames: resumed {len(ours)}, uninterrupted {len(theirs)}; identical: {identical}")
        print(f"E_warp all pairs {np.mean(errors):.5f}; across resume points {np.mean(seams) if seams else float('nan'):.5f}"
              f" (pairs {sorted(set(resumes))})")


if __name__ == "__main__":
    main()
