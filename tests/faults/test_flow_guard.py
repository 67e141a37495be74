"""Optical flow on frames too small or too thin for a pyramid: padded, never a crash.

The shapes run in a child process, because OpenCV's DIS does not raise on some of these shapes but
ends the process with a segmentation fault.
"""

from __future__ import annotations

import os
import subprocess
import sys

from videostyle.flow.guard import safe_shape

PROBE = """
import sys, torch
from videostyle.flow import make_flow
for h, w in [(16, 2048), (24, 96), (16, 128), (8, 8), (2, 64), (30, 90), (20, 200)]:
    a = torch.rand(1, 3, h, w)
    for method in ("dis", "farneback"):
        for preset in ("ultrafast", "fast", "medium"):
            flow = make_flow(method, preset=preset)(a, a.roll(1, -1))
            assert flow.shape == (1, 2, h, w) and bool(torch.isfinite(flow).all()), (method, preset, flow.shape)
print("ok")
"""


def test_thin_and_tiny_frames_get_a_flow_of_their_own_shape():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-500:]


def test_ordinary_frames_are_not_padded():
    assert safe_shape(48, 64) == (48, 64) and safe_shape(1080, 1920) == (1080, 1920)
    assert safe_shape(16, 16384) == (512, 16384) and safe_shape(24, 96) == (32, 96)
