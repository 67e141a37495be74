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


def run(argv: list[str], kill_at: int | None) -> tuple[int, int, bool]:
    """(frames done when it ended, frames kept from earlier runs, whether it was killed).

    ``kill_at``: SIGKILL once the job reports that many frames done (None: let it finish). Progress
    lines are read on a thread, so the kill lands right after that frame whatever else the child prints.
    """
    child = subprocess.Popen(argv, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen = {"done": 0, "kept": 0}

    def read() -> None:
        for line in child.stderr:  # type: ignore[union-attr]
            if line.startswith("{"):
                event = json.loads(line)
                seen["kept"] = event.get("resumed", seen["kept"])
                seen["done"] = event.get("done", seen["done"])
            else:
                said.append(line.strip())

    said: list[str] = []
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    while child.poll() is None:
        if kill_at is not None and seen["done"] >= kill_at:
            child.send_signal(signal.SIGKILL)
            child.wait()
            break
        time.sleep(0.01)
    reader.join()
    if child.returncode not in (0, -signal.SIGKILL):
        raise SystemExit(f"the job failed ({child.returncode}): {said[-1] if said else ''}")
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
        plain, reference = tmp / "plain.mp4", tmp / "reference.mp4"
        run(job(plain, None, args), None)
        print(f"uninterrupted, one file: {time.monotonic() - started:.1f} s for 96 frames")
        started = time.monotonic()
        run(job(reference, tmp / "reference-work", args), None)
        print(f"uninterrupted, in segments: {time.monotonic() - started:.1f} s")

        target, work = tmp / "resumed.mp4", tmp / "work"
        rows, resumes, previous_done = [], [], 0
        for kill in range(args.kills + 1):
            last = kill == args.kills
            done, kept, killed = run(job(target, work, args), None if last else rng.randint(min(previous_done + 1, 95), 95))
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
        print(f"frames: resumed {len(ours)}, uninterrupted in segments {len(theirs)}; decoded frames identical: {identical}")
        points = sorted(set(resumes))
        print(f"E_warp (DIS flow of the input) on all pairs / on the pairs across the resume points {points}:")
        for name, video in (("resumed", ours), ("uninterrupted, segments", theirs), ("uninterrupted, one file", frames_of(plain))):
            errors = pair_errors(content, video)
            seams = [errors[k - 1] for k in points if 0 < k <= len(errors)]
            print(f"  {name:24s} {np.mean(errors):.5f} / {np.mean(seams) if seams else float('nan'):.5f}")


if __name__ == "__main__":
    main()
