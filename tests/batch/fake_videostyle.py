"""A stand-in for ``python -m videostyle`` in batch tests: writes the output without any model, in milliseconds.

It reads the command line the batch built (``-o``/``--output``), prints JSON progress like the real CLI,
and misbehaves on request through marker files in its working folder:
  block            wait until the file is gone (or the parent batch process dies)
  fail-once-NAME   exit 1 once for the job whose output is NAME (a transient failure)
  kill-once        SIGKILL itself once, mid-job
  kill-parent-once SIGKILL its parent (a Ray worker) and itself once, mid-job
Every start is appended to ``calls.log``.
"""

import json
import os
import signal
import sys
import time
from pathlib import Path

JSON_TAG = "videostyle-progress"  # videostyle.progress.JSON_TAG; importing it would import torch (seconds a start)

FRAMES = 3


def take(marker: Path) -> bool:
    try:
        marker.unlink()
        return True
    except FileNotFoundError:
        return False


def main(argv: list[str]) -> int:
    out = Path(argv[argv.index("-o" if "-o" in argv else "--output") + 1])
    with open("calls.log", "a") as calls:
        calls.write(f"{out.name} gpu={os.environ.get('CUDA_VISIBLE_DEVICES', '-')} {' '.join(argv)}\n")
    parent = os.getppid()
    while Path("block").exists() and os.getppid() == parent:
        time.sleep(0.05)
    if os.getppid() != parent:
        return 1
    for done in range(1, FRAMES + 1):
        sys.stderr.write(json.dumps({JSON_TAG: 1, "done": done, "total": FRAMES, "fps": 10.0}) + "\n")
        sys.stderr.flush()
        if done == 2 and take(Path("kill-parent-once")):
            os.kill(parent, signal.SIGKILL)  # the worker dies, and its child with it
            os.kill(os.getpid(), signal.SIGKILL)
        elif done == 2 and take(Path("kill-once")):
            os.kill(os.getpid(), signal.SIGKILL)
    if take(Path(f"fail-once-{out.name}")):
        sys.stderr.write("error: disk was busy\n")
        return 1
    if os.getppid() != parent:  # the batch is gone: like the real CLI (shutdown.exit_with_parent), stop
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(b"frames " + b"x" * FRAMES + " ".join(argv).encode())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
