"""The local executor: jobs one after another, or one worker per GPU (``gpus=N``), with retries."""

from __future__ import annotations

import queue
import threading

from .events import JobResult
from .lifecycle import Lifecycle
from .runner import run_child, terminate_children
from .validate import Plan


def run_local(plans: list[Plan], life: Lifecycle, gpus: int = 0) -> list[JobResult]:
    """Run ``plans``; with ``gpus`` > 0, worker i sees only GPU i (CUDA_VISIBLE_DEVICES)."""
    if gpus <= 1:
        env = {"CUDA_VISIBLE_DEVICES": "0"} if gpus == 1 else None
        return [_run_with_retries(plan, life, "local", env) for plan in plans]
    todo: queue.SimpleQueue[Plan] = queue.SimpleQueue()
    for plan in plans:
        todo.put(plan)
    results: dict[str, JobResult] = {}

    def worker(gpu: int) -> None:
        while True:
            try:
                plan = todo.get_nowait()
            except queue.Empty:
                return
            results[plan.id] = _run_with_retries(plan, life, f"gpu{gpu}", {"CUDA_VISIBLE_DEVICES": str(gpu)})

    threads = [threading.Thread(target=worker, args=(gpu,), daemon=True) for gpu in range(gpus)]
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
        outcome = run_child(life.argv(plan), life.cwd, life.log(plan), env, life.progress(plan), life.program)
        if outcome.ok or not outcome.transient or attempt > life.retries:
            return life.finished(plan, outcome, attempt)
