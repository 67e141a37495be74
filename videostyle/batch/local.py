"""The local executor: jobs one after another, or one worker per GPU (``gpus=N``), with retries."""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Mapping

from ..errors import OptionError
from .events import JobResult
from .lifecycle import Lifecycle
from .runner import run_child, terminate_children
from .validate import Plan

MASK = "CUDA_VISIBLE_DEVICES"


def worker_gpus(gpus: int, environ: Mapping[str, str] = os.environ) -> list[str]:
    """The GPU each of ``gpus`` workers gets: the first ``gpus`` of those this process may use (its own
    CUDA_VISIBLE_DEVICES, else every device), so a batch started on GPUs 2,3 stays on them."""
    if gpus <= 0:
        return []
    mask = environ.get(MASK)
    if mask is not None:
        visible = [device.strip() for device in mask.split(",") if device.strip()]
    else:
        import torch

        visible = [str(index) for index in range(torch.cuda.device_count())]
    if gpus > len(visible):
        seen = f"{MASK}={mask}" if mask is not None else "this machine"
        raise OptionError(f"--gpus {gpus}: only {len(visible)} GPU(s) can be used here ({seen})")
    return visible[:gpus]


def run_local(plans: list[Plan], life: Lifecycle, gpus: list[str]) -> list[JobResult]:
    """Run ``plans``; with ``gpus`` (see :func:`worker_gpus`) one worker per GPU, each seeing that GPU only."""
    if len(gpus) <= 1:
        env = {MASK: gpus[0]} if gpus else None
        return [_run_with_retries(plan, life, "local", env) for plan in plans]
    todo: queue.SimpleQueue[Plan] = queue.SimpleQueue()
    for plan in plans:
        todo.put(plan)
    results: dict[str, JobResult] = {}

    def worker(gpu: str) -> None:
        while True:
            try:
                plan = todo.get_nowait()
            except queue.Empty:
                return
            results[plan.id] = _run_with_retries(plan, life, f"gpu{gpu}", {MASK: gpu})

    threads = [threading.Thread(target=worker, args=(gpu,), daemon=True) for gpu in gpus]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    except BaseException:  # interrupted: the workers' children must not outlive the batch
        terminate_children()
        raise
    return [results[plan.id] for plan in plans]


def _run_with_retries(plan: Plan, life: Lifecycle, worker: str, env: dict[str, str] | None) -> JobResult:
    attempt = 0
    while True:
        attempt += 1
        life.started(plan, attempt, worker)
        outcome = run_child(life.argv(plan, masked=env is not None), life.cwd, life.log(plan), env, life.progress(plan), life.program)
        if outcome.ok or not outcome.transient or attempt > life.retries:
            return life.finished(plan, outcome, attempt)
