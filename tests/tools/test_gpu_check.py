"""bench/gpu_check.py's dry run: every path at toy sizes on the CPU, so the GPU check cannot rot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bench" / "gpu_check.py"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300, cwd=ROOT)


def test_the_quick_cpu_run_writes_one_line_per_figure(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from gpu_check import FIGURES
    finally:
        sys.path.remove(str(ROOT / "bench"))
    done = _run("--device", "cpu", "--quick", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:]
    (written,) = tmp_path.glob("*-cpu.jsonl")
    lines = [json.loads(text) for text in written.read_text().splitlines()]
    assert [line["figure"] for line in lines] == list(FIGURES)
    assert all(line["device"] == "cpu" and line["quick"] for line in lines)
    ran = {line["figure"]: line for line in lines if line["ok"]}
    assert {"stylize_image", "stylize_image_bf16", "ff_trained", "dream_zoom", "tiled_still", "flow_dis_vs_raft"} <= set(ran)
    assert all(line["skipped"] for line in lines if line["ok"] is None)
    assert ran["stylize_image"]["ms_per_step"] > 0 and ran["ff_trained"]["fps_stabilize"] > 0
    assert ran["stylize_image_bf16"]["precision"] == "bf16" and ran["stylize_image_bf16"]["ms_per_step"] > 0


def test_a_missing_weights_file_stops_it_at_once_with_one_line(tmp_path):
    done = _run("--device", "cpu", "--quick", "--weights", str(tmp_path / "absent.pth"), "--out", str(tmp_path))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "--weights" in done.stderr
    assert not list(tmp_path.glob("*.jsonl"))
