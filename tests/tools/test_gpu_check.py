"""bench/gpu_check.py's dry run: every path at toy sizes on the CPU, so the GPU check cannot rot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import torch

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
    assert {"stylize_image", "stylize_image_bf16", "ff_trained", "dream_zoom", "tiled_still", "flow_dis_vs_raft", "batch_two_jobs"} <= set(ran)
    assert ran["batch_two_jobs"]["jobs"] == 2 and ran["batch_two_jobs"]["frames"] == [8, 8]
    assert all(line["skipped"] for line in lines if line["ok"] is None)
    assert ran["stylize_image"]["ms_per_step"] > 0 and ran["ff_trained"]["fps_stabilize"] > 0
    assert ran["stylize_image_bf16"]["precision"] == "bf16" and ran["stylize_image_bf16"]["ms_per_step"] > 0


def test_a_missing_weights_file_stops_it_at_once_with_one_line(tmp_path):
    done = _run("--device", "cpu", "--quick", "--weights", str(tmp_path / "absent.pth"), "--out", str(tmp_path))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "--weights" in done.stderr
    assert not list(tmp_path.glob("*.jsonl"))


def test_it_prints_its_plan_first_and_does_not_start_a_figure_that_would_overrun_the_budget():
    """With a clock that moves 200 s a reading and a 450 s budget, the first figure runs and every later
    one is a failed line saying it was not started."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import gpu_check
    finally:
        sys.path.remove(str(ROOT / "bench"))
    readings = iter(range(0, 100_000, 200))
    said: list[str] = []
    lines: list[dict[str, object]] = []
    failed = gpu_check.run(
        torch.device("cpu"), gpu_check.Sizes.quick(), None, None, lines.append, budget_s=450, say=said.append,
        clock=lambda: float(next(readings)),
    )
    assert said[0].startswith("gpu-check plan (450 s budget") and all(name in said[0] for name in gpu_check.FIGURES)
    assert [line["figure"] for line in lines] == list(gpu_check.FIGURES)
    assert lines[0]["ok"] is True and lines[0]["wall_s"] == 200 and float(lines[0]["estimate_s"]) > 0  # type: ignore[arg-type]
    assert all(line["ok"] is False and "budget left" in str(line["error"]) for line in lines[1:])
    assert failed == len(gpu_check.FIGURES) - 1


def test_a_gpu_plan_fits_the_default_budget_and_the_make_target_says_what_to_carry():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import gpu_check
    finally:
        sys.path.remove(str(ROOT / "bench"))
    planned = dict(gpu_check.plan(gpu_check.Sizes(), torch.device("cuda")))
    assert list(planned) == list(gpu_check.FIGURES) and 0 < sum(planned.values()) < 450
    assert planned["stylize_temporal_video"] == planned["stylize_temporal_video_bf16"] > planned["stylize_image"]
    carry = _run("--carry")
    assert carry.returncode == 0 and "PyAV" in carry.stdout and "--weights" in carry.stdout
    assert "gpu_check.py --carry" in (ROOT / "Makefile").read_text()
