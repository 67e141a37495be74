"""One long video on several workers: the job cut into chunks, each rendered by a child process, then joined.

The head (this module) plans chunks on segment boundaries (moved next to scene cuts when there are any), runs ``python -m videostyle COMMAND ...
--work-dir ROOT --chunk FIRST:END`` for each on a pool of local workers (one per GPU with ``gpus``),
retries a failed chunk on whichever worker is free next (or runs each chunk as a Ray task), and reports every chunk's progress and the
whole job's. Each chunk writes verified segments into a folder of its own (media.segments), so a
worker killed mid-chunk loses at most the segment it was writing, and a head killed and restarted
finds every finished segment again. When all chunks are done the head takes their segments over in
order (``SegmentedVideoWriter.adopt``) and joins them without re-encoding, muxing the audio once.

Segments a chunk adopted into the job's folder survive any later plan: a rerun plans chunks only over
the frames after them, and removes chunk folders of an older plan.
"""

from __future__ import annotations

import contextlib
import queue
import shutil
import threading
from collections.abc import Callable, Generator, Sequence
from functools import partial
from typing import Literal
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import VideostyleError
from ..identity import JobIdentity
from ..media import SegmentedVideoWriter, probe_video, read_frames
from ..media.segments import chunk_folder
from ..progress import FrameProgress
from ..video import OutputOptions
from ..video.cuts import scene_cuts
from ..video.source import chunk_writer
from .runner import Outcome, run_child, terminate_children, unmasked_device

Chunk = tuple[int, int | None]
DEFAULT_WORK = ".videostyle-work"
"""Work folder beside the output when the caller names none (it must outlive the head for resume)."""
CHUNK_OPTION, PREROLL_OPTION, WORK_DIR_OPTION, FADE_OPTION = "--chunk", "--preroll", "--work-dir", "--fade"


@dataclass(frozen=True)
class ChunkProgress:
    """Frames written so far by chunk ``number`` (``first``..``end``), its rate and the worker running it."""

    number: int
    first: int
    end: int | None
    done: int
    total: int | None
    fps: float | None
    worker: str


@dataclass(frozen=True)
class ChunksPlanned:
    """The job's chunks, before any runs: views show one row per chunk, or ``chunks 3/8 done``."""

    chunks: tuple[Chunk, ...]


@dataclass(frozen=True)
class ChunkFinished:
    """A chunk's attempt ended; ``error`` is None when it succeeded (``retry``: it runs again)."""

    number: int
    seconds: float
    attempt: int
    error: str | None
    retry: bool


def plan_chunks(first: int, total: int | None, per_segment: int, workers: int, cuts: Sequence[int] = ()) -> list[Chunk]:
    """About equal chunks of frames ``[first, total)``, one per worker, cut on segment boundaries.

    A boundary moves by up to a quarter of a chunk to the segment boundary just after a scene cut
    (``cuts``), where a chunk's warm-up can start at the cut itself (see :func:`preroll_of`). The
    last chunk is open (end None): a frame count from the container is an estimate.
    """
    if total is None or workers <= 1:
        return [(first, None)]
    segments = max(1, -(-(total - first) // per_segment))
    count = min(workers, segments)
    slack = segments // count // 4
    starts = [first]
    for i in range(1, count):
        target = round(i * segments / count)
        near = [j for j in range(target - slack, target + slack + 1) if _cut_before(first + j * per_segment, cuts, per_segment) is not None]
        j = min(near, key=lambda j: abs(j - target), default=target)
        if first + j * per_segment > starts[-1]:
            starts.append(first + j * per_segment)
    return [(start, end) for start, end in zip(starts, [*starts[1:], None], strict=True)]


def preroll_of(chunk: Chunk, cuts: Sequence[int], per_segment: int, preroll: int) -> int:
    """Warm frames of ``chunk``: from a scene cut in the segment before it (the prior restarts there,
    so the warm-up rebuilds the state exactly), else ``preroll``."""
    cut = _cut_before(chunk[0], cuts, per_segment)
    return preroll if cut is None else chunk[0] - cut


def fade_of(chunks: Sequence[Chunk], number: int, cuts: Sequence[int], per_segment: int, preroll: int) -> int:
    """Frames at the end of chunk ``number`` cross-faded into the next chunk's warm-up (see
    video.crossfade): its ``preroll`` when the next chunk warms up inside a shot, none before a scene
    cut (the warm-up from the cut makes the very frames of this chunk) or after the last chunk.
    At most a segment, so that every resume of the chunk starts before the fade."""
    if number + 1 >= len(chunks) or _cut_before(chunks[number + 1][0], cuts, per_segment) is not None:
        return 0
    return min(preroll, per_segment)


def _cut_before(frame: int, cuts: Sequence[int], per_segment: int) -> int | None:
    """The last scene cut in ``(frame - per_segment, frame]``, if any."""
    return max((c for c in cuts if frame - per_segment < c <= frame), default=None)


def chunk_argv(argv: Sequence[str], chunk: Chunk, root: Path, preroll: int, masked: bool = False, fade: int = 0) -> list[str]:
    """The job's ``argv`` (command first) with the chunk's options, before any positional argument;
    ``masked``: the child sees only its worker's GPU (see runner.unmasked_device)."""
    command, *rest = unmasked_device(argv) if masked else argv
    first, end = chunk
    extra = [WORK_DIR_OPTION, str(root), CHUNK_OPTION, f"{first}:{'' if end is None else end}", PREROLL_OPTION, str(preroll)]
    return [command, *extra, *([FADE_OPTION, str(fade)] if fade else []), *rest]


def iter_render_chunks(
    argv: Sequence[str],
    source: str | Path,
    target: str | Path,
    output: OutputOptions,
    workers: int,
    gpus: Sequence[str] = (),
    retries: int = 1,
    identity: JobIdentity | None = None,
    program: Sequence[str] | None = None,
    executor: Literal["local", "ray"] = "local",
    ray_address: str | None = None,
) -> Generator[ChunksPlanned | ChunkProgress | ChunkFinished | FrameProgress, None, Path]:
    """Render the video job ``argv`` (its command line from the command name on, without --work-dir)
    as chunks on ``workers`` local processes (``gpus``: one worker per GPU id, each seeing only it).

    ``output`` holds the job's output options (work folder, trim, encoder, preroll); ``identity`` is
    what the joined segments are made from (a rerun with another identity starts over). Yields the
    plan first, then each chunk's progress and the whole job's; returns the output path. A chunk that fails ``retries``
    times more stops the job with its last error line; its finished segments stay for a rerun.
    ``executor="ray"`` runs each chunk as a Ray task (``ray_address``: the cluster; None: a local Ray),
    ``workers`` at a time; the work folder and output must then be on a path every node sees.
    """
    root = Path(output.work_dir) if output.work_dir is not None else Path(target).parent / DEFAULT_WORK
    output = replace(output, work_dir=root)
    info = probe_video(source)
    job = SegmentedVideoWriter(
        target, root, info, audio_from=source, start=output.start, duration=output.duration,
        crf=output.crf, preset=output.preset, overwrite=output.overwrite, identity=identity,
    )
    total = info.count_frames(output.start, output.duration)
    cuts = scene_cuts(read_frames(source, output.start, output.duration)) if max(workers, len(gpus)) > 1 else []
    chunks = plan_chunks(job.frames_done, total, job.per_segment, max(workers, len(gpus)), cuts)
    prerolls = [preroll_of(chunk, cuts, job.per_segment, output.preroll) for chunk in chunks]
    fades = [fade_of(chunks, number, cuts, job.per_segment, output.preroll) for number in range(len(chunks))]
    _remove_stale(job, chunks)
    with job:
        yield ChunksPlanned(tuple(chunks))
        run: Callable[..., Outcome] = run_child
        stop = terminate_children
        if executor == "ray":
            from .ray_executor import RayChunks

            tasks = RayChunks(ray_address)
            run, stop, gpus = tasks, tasks.cancel, ()  # Ray grants the GPUs
        masked = bool(gpus) or executor == "ray"  # each child sees its own GPU only, as cuda:0
        yield from _run_pool(argv, chunks, root, prerolls, fades, job, total, gpus or [""] * workers, retries, partial(run, program=program), stop, masked)
        for chunk in chunks:
            job.adopt(chunk_writer(target, replace(output, chunk=chunk), info, source))
    if root.name == DEFAULT_WORK:  # the folder this function made: gone once empty
        with contextlib.suppress(OSError):
            root.rmdir()
    return Path(target)


def _remove_stale(job: SegmentedVideoWriter, chunks: list[Chunk]) -> None:
    """Chunk folders of this job from another plan (another worker count, or before segments were adopted)."""
    planned = {chunk_folder(job.work_dir.parent, job.path, chunk).name for chunk in chunks}
    for folder in job.work_dir.parent.glob(f"{job.work_dir.name}.chunk-*"):
        if folder.name not in planned and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


def _run_pool(
    argv: Sequence[str],
    chunks: list[Chunk],
    root: Path,
    prerolls: list[int],
    fades: list[int],
    job: SegmentedVideoWriter,
    total: int | None,
    slots: Sequence[str],
    retries: int,
    run: Callable[..., Outcome],
    stop: Callable[[], None],
    masked: bool,
) -> Generator[ChunkProgress | ChunkFinished | FrameProgress, None, None]:
    """Run every chunk on ``slots`` worker threads (a GPU id each, or "" for none); events come back here.
    ``stop`` ends the chunks running when the head is stopped (Ctrl-C, SIGTERM, the generator closed)."""
    todo: queue.SimpleQueue[tuple[int, int]] = queue.SimpleQueue()
    for number in range(len(chunks)):
        todo.put((number, 1))
    events: queue.SimpleQueue[object] = queue.SimpleQueue()
    failures: list[str] = []
    pending = [len(chunks)]  # chunks not finished for good, shared by the workers
    lock = threading.Lock()
    stopped = threading.Event()

    def work(slot: int, gpu: str) -> None:
        worker = f"gpu{gpu}" if gpu else f"w{slot}"
        while True:
            with lock:
                if not pending[0] or failures or stopped.is_set():
                    return
            try:
                number, attempt = todo.get(timeout=0.1)
            except queue.Empty:
                continue
            first, end = chunks[number]
            folder = chunk_folder(root, job.path, chunks[number])
            log = folder.with_name(f"{folder.name}.log")
            report = lambda done, _total, fps: events.put(  # noqa: E731
                ChunkProgress(number, first, end, max(0, done - first), _span(first, end, total), fps, worker)
            )
            outcome = run(
                chunk_argv(argv, chunks[number], root, prerolls[number], masked, fades[number]), Path.cwd(), log,
                {"CUDA_VISIBLE_DEVICES": gpu} if gpu else None, report,
            )
            retry = not outcome.ok and outcome.transient and attempt <= retries
            events.put(ChunkFinished(number, outcome.seconds, attempt, outcome.error, retry))
            with lock:
                if retry:
                    todo.put((number, attempt + 1))
                elif outcome.ok:
                    pending[0] -= 1
                    log.unlink(missing_ok=True)
                else:
                    failures.append(f"frames {first}-{'' if end is None else end} failed: {outcome.error} (log: {log})")

    threads = [threading.Thread(target=work, args=(slot, gpu), daemon=True) for slot, gpu in enumerate(slots)]
    for thread in threads:
        thread.start()
    done = [0] * len(chunks)
    try:
        # No `continue` in this loop: CPython 3.11 lets a Ctrl-C that lands on a `continue` escape
        # the `except` below (checked with _thread.interrupt_main), and the chunks would run on.
        while any(thread.is_alive() for thread in threads) or not events.empty():
            event = _next_event(events)
            if isinstance(event, ChunkProgress):
                done[event.number] = event.done
                yield event
                yield FrameProgress(job.frames_done + sum(done), total)
            elif event is not None:
                yield event
    except BaseException:  # stopped: the workers' children (or Ray tasks) must not outlive the head
        stopped.set()
        stop()
        raise
    if failures:
        raise VideostyleError(f"{len(failures)} chunk(s) of {job.path.name} failed; rerun to continue: {failures[0]}")


def _next_event(events: queue.SimpleQueue[object]) -> object | None:
    """The next event from the workers, or None after a short wait (to look at them again)."""
    try:
        return events.get(timeout=0.2)
    except queue.Empty:
        return None


def _span(first: int, end: int | None, total: int | None) -> int | None:
    if end is not None:
        return end - first
    return None if total is None else max(0, total - first)


__all__ = ["ChunkFinished", "ChunkProgress", "ChunksPlanned", "fade_of", "iter_render_chunks", "plan_chunks", "preroll_of"]
