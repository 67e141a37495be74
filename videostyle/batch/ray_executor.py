"""The Ray executor: each job a Ray task that runs the same child process on a worker of the cluster.

The head process (this one) keeps the journal; tasks only run the child and return its outcome. A task
whose child failed transiently raises, so Ray retries it (``max_retries``), as it does when a worker dies.
Outputs must be on a path every node sees.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import VideostyleError
from .events import JobResult
from .lifecycle import Lifecycle
from .runner import Outcome, run_child
from .validate import Plan

INSTALL_HINT = "--executor ray needs Ray: pip install 'videostyle[ray]'"
CONNECT_TIMEOUT_S = 5.0
"""How long an unreachable --ray-address may take to say so (Ray itself retries for minutes)."""


class TransientFailure(Exception):
    """Raised inside a task so that Ray retries it; carries the child's outcome."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome)  # the only argument, so the exception pickles back whole
        self.outcome = outcome

    def __str__(self) -> str:
        return self.outcome.error or f"exited with code {self.outcome.returncode}"


def import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise VideostyleError(INSTALL_HINT) from None
    return ray


def _task(argv: list[str], cwd: str, log: str, program: list[str] | None) -> tuple[Outcome, str]:
    """Body of the Ray task, on the worker."""
    outcome = run_child(argv, Path(cwd), Path(log), program=program)
    if outcome.transient:
        raise TransientFailure(outcome)
    return outcome, socket.gethostname()


def check_reachable(address: str | None, timeout: float = CONNECT_TIMEOUT_S) -> None:
    """Fail in seconds, with one line, when a HOST:PORT head does not answer."""
    if address is None or address == "auto" or "://" in address:
        return
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout):
            return
    except ValueError:
        raise VideostyleError(f"--ray-address {address}: give auto or HOST:PORT of the Ray head") from None
    except OSError as exc:
        reason = "no answer" if isinstance(exc, TimeoutError) else (exc.strerror or str(exc))
        raise VideostyleError(f"cannot reach the Ray head at {address}: {reason}; is it running (ray start --head)?") from None


@contextlib.contextmanager
def _own_signals_and_stderr() -> Iterator[None]:
    """Around ``ray.init``: keep this process's signal handlers (Ray installs its own SIGTERM handler,
    which dumps a C++ stack and exits 134) and keep Ray's start-up chatter off the user's terminal."""
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        for signum, handler in handlers.items():
            if handler is not None:
                signal.signal(signum, handler)


def start_ray(ray: Any, address: str | None) -> None:
    """Connect to (or start) Ray quietly; one line and no traceback when that fails."""
    if ray.is_initialized():
        return
    check_reachable(address)
    try:
        with _own_signals_and_stderr():
            ray.init(address=address, log_to_driver=False, logging_level=logging.ERROR, include_dashboard=False)
    except (ConnectionError, RuntimeError, ValueError, TimeoutError) as exc:
        raise VideostyleError(f"cannot start Ray{f' at {address}' if address else ''}: {_first_line(exc)}") from None


def wants_gpu(device: str, cluster_gpus: bool) -> bool:
    """Whether a task asks Ray for a GPU: ``cuda`` jobs do, and ``auto`` ones where the cluster has GPUs
    (a task granted none sees CUDA_VISIBLE_DEVICES="" and would run on the CPU of a GPU cluster)."""
    return device.startswith("cuda") or (device == "auto" and cluster_gpus)


def run_ray(plans: list[Plan], life: Lifecycle, address: str | None = None) -> list[JobResult]:
    """Submit every plan as a task (GPU jobs ask for one GPU), record each as it completes."""
    ray = import_ray()
    start_ray(ray, address)
    remote = ray.remote(_task)
    cluster_gpus = ray.cluster_resources().get("GPU", 0) > 0
    pending: dict[Any, Plan] = {}
    for plan in plans:
        options = remote.options(
            num_gpus=1 if wants_gpu(plan.device, cluster_gpus) else 0, num_cpus=1,
            max_retries=life.retries, retry_exceptions=[TransientFailure],
        )
        life.started(plan, 1, "ray")
        program = list(life.program) if life.program else None
        argv = life.argv(plan, masked=True)  # Ray shows a task its granted GPU only
        pending[options.remote(argv, str(life.cwd), str(life.log(plan)), program)] = plan
    results: dict[str, JobResult] = {}
    while pending:
        (ref,), _ = ray.wait(list(pending), num_returns=1)
        plan = pending.pop(ref)
        try:
            outcome, _host = ray.get(ref)
        except Exception as exc:  # retries used up (Ray wraps our TransientFailure), or a worker lost for good
            cause = getattr(exc, "cause", exc)
            outcome = cause.outcome if isinstance(cause, TransientFailure) else Outcome(1, _first_line(exc), 0.0, None)
        results[plan.id] = life.finished(plan, outcome, attempts=1 + life.retries if not outcome.ok else 1)
    return [results[plan.id] for plan in plans]


def _chunk_task(argv: list[str], cwd: str, log: str, program: list[str] | None, progress: Any) -> Outcome:
    """Body of a chunk's task: the child's progress goes to the head through ``progress`` (a Ray queue) as it comes."""
    return run_child(argv, Path(cwd), Path(log), on_progress=lambda *frames: progress.put_nowait(frames), program=program)


class RayChunks:
    """A ``run_child`` that runs the child as a Ray task (a GPU where the cluster has them), relaying its
    progress live; the caller retries a failed chunk as a new task, which Ray places on any worker.
    ``cancel`` (the head is stopping) ends the tasks in flight and refuses new ones."""

    def __init__(self, address: str | None = None) -> None:
        self.ray = import_ray()
        start_ray(self.ray, address)
        self.remote = self.ray.remote(_chunk_task)
        self.gpus = 1 if self.ray.cluster_resources().get("GPU", 0) > 0 else 0
        self.in_flight: set[Any] = set()
        self.stopped = False
        self.lock = threading.Lock()

    def __call__(self, argv: list[str], cwd: Path, log: Path, env: dict[str, str] | None = None,
                 on_progress: Callable[..., None] | None = None, program: Sequence[str] | None = None) -> Outcome:
        from ray.util.queue import Queue

        progress = Queue()
        with self.lock:
            if self.stopped:
                return Outcome(130, "stopped", 0.0, None)
            ref = self.remote.options(num_gpus=self.gpus, num_cpus=1).remote(argv, str(cwd), str(log), list(program) if program else None, progress)
            self.in_flight.add(ref)
        try:
            while True:
                ready, _ = self.ray.wait([ref], timeout=0.2)
                for frames in progress.get_nowait_batch(progress.qsize()):
                    if on_progress is not None:
                        on_progress(*frames)
                if ready:
                    return self.ray.get(ref)
        except Exception as exc:  # noqa: BLE001 - a lost worker or task: a failure the caller may retry
            return Outcome(1, _first_line(exc), 0.0, None)
        finally:
            with self.lock:
                self.in_flight.discard(ref)
            progress.shutdown()

    def cancel(self) -> None:
        """Force-cancel every task in flight: its worker process dies, and the child it ran, which
        watches its parent (shutdown.exit_with_parent), stops as on SIGTERM."""
        with self.lock:
            self.stopped = True
            for ref in self.in_flight:
                with contextlib.suppress(Exception):  # a task that ended meanwhile
                    self.ray.cancel(ref, force=True)


def _first_line(exc: BaseException) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return lines[-1].strip() if lines else type(exc).__name__
