"""One video on several workers: chunks on segment boundaries, preroll, resume after kill -9, one join."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from tests.conftest import make_clip
from videostyle.batch import runner
from videostyle.batch.chunks import ChunkFinished, ChunkProgress, chunk_argv, iter_render_chunks, plan_chunks, preroll_of
from videostyle.video.options import parse_chunk
from videostyle.errors import VideostyleError
from videostyle.media.segments import chunk_folder
from videostyle.video import OutputOptions

FPS = Fraction(12)  # 2 s segments of 24 frames


def test_chunks_are_cut_on_segment_boundaries_one_per_worker():
    assert plan_chunks(0, 300, 50, 2) == [(0, 150), (150, None)]
    assert plan_chunks(0, 310, 50, 3) == [(0, 100), (100, 250), (250, None)]  # 7 segments: 2, 3, 2
    assert plan_chunks(100, 300, 50, 2) == [(100, 200), (200, None)]  # after segments already joined
    assert plan_chunks(0, 60, 50, 8) == [(0, 50), (50, None)]  # never more chunks than segments
    assert plan_chunks(0, None, 50, 4) == [(0, None)]  # unknown length: one chunk
    assert chunk_argv(["stylize", "-s", "a.png", "--", "in.mp4"], (50, None), Path("w"), 8) == [
        "stylize", "--work-dir", "w", "--chunk", "50:", "--preroll", "8", "-s", "a.png", "--", "in.mp4"
    ]
    assert chunk_argv(["stylize", "in.mp4"], (0, 50), Path("w"), 0, fade=16)[-3:] == ["--fade", "16", "in.mp4"]


def test_a_boundary_moves_to_the_segment_after_a_scene_cut_and_warms_up_from_the_cut():
    chunks = plan_chunks(0, 800, 50, 2, cuts=[330])  # 16 segments; a quarter chunk is 2 segments
    assert chunks == [(0, 350), (350, None)]
    assert [preroll_of(c, [330], 50, 8) for c in chunks] == [8, 20]  # 20: exactly the frames since the cut
    assert plan_chunks(0, 800, 50, 2, cuts=[120]) == [(0, 400), (400, None)]  # too far: the even split
    assert preroll_of((400, None), [120], 50, 8) == 8


def test_scene_cuts_are_found_before_any_work(tmp_path):
    from tests.conftest import make_moving_clip
    from videostyle.media import read_frames
    from videostyle.video.cuts import scene_cuts

    assert scene_cuts(read_frames(make_moving_clip(tmp_path / "cut.mp4", frames=10, cut_at=6))) == [6]


@pytest.mark.parametrize("text", ["", "5", "a:b", "9:3", "-1:4"])
def test_a_bad_chunk_is_one_line_error(text):
    with pytest.raises(VideostyleError, match="FIRST:END"):
        parse_chunk(text)


def streams(path: Path) -> tuple[list[int], list[tuple[int, int]]]:
    """Video pts and (pts, samples) of every audio frame."""
    with av.open(str(path)) as container:
        video = [frame.pts for frame in container.decode(video=0)]
    with av.open(str(path)) as container:
        audio = [(frame.pts, frame.samples) for frame in container.decode(audio=0)]
    return video, audio


def cli(*args: object) -> list[str]:
    return [sys.executable, "-m", "videostyle", "stylize", *map(str, args), "--size", "32", "--device", "cpu", "-q"]


@pytest.fixture
def files(tmp_path):
    """style.png in tmp_path."""
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 255, (32, 32, 3), dtype=np.uint8)).save(tmp_path / "style.png")
    return tmp_path


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(sys.path))
    return os.environ.copy()


@pytest.mark.parametrize("engine", [["--steps", "2"], ["--model", "builtin:19", "--stabilize"]], ids=["optimization", "stabilize"])
def test_two_workers_give_the_frames_timing_and_audio_of_one(tmp_path, files, env, engine):
    source = make_clip(tmp_path / "in.mp4", frames=60, fps=FPS)
    style = ["-s", files / "style.png"] if "--model" not in engine else []
    one, two = tmp_path / "one.mp4", tmp_path / "two.mp4"
    subprocess.run(cli(source, *style, *engine, "-o", one), env=env, check=True, capture_output=True, timeout=300)
    done = subprocess.run(cli(source, *style, *engine, "-o", two, "--workers", "2"), env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert streams(two) == streams(one)
    assert not (tmp_path / ".videostyle-work").exists()  # the default work folder goes once joined


def test_a_worker_killed_mid_chunk_costs_at_most_the_segment_it_was_writing(tmp_path, files, env):
    source = make_clip(tmp_path / "in.mp4", frames=72, fps=FPS)  # 3 segments: chunks [0, 48) and [48, end)
    target, root = tmp_path / "out.mp4", tmp_path / "work"
    argv = ["stylize", "-s", str(files / "style.png"), "--size", "32", "--steps", "8", "--device", "cpu", "-o", str(target), "--", str(source)]
    output = OutputOptions(work_dir=root)
    first_chunk = chunk_folder(root, target, (0, 48))

    def kill_when_a_segment_is_done() -> None:
        deadline = time.monotonic() + 120
        while not (first_chunk / "000000.json").exists() and time.monotonic() < deadline:
            time.sleep(0.005)
        for child in list(runner._children):
            if "0:48" in child.args:
                child.send_signal(signal.SIGKILL)

    killer = threading.Thread(target=kill_when_a_segment_is_done)
    killer.start()
    events: list[object] = []
    with pytest.raises(VideostyleError, match="rerun to continue"):
        for event in iter_render_chunks(argv, source, target, output, workers=2, retries=0):
            events.append(event)
    killer.join()
    assert any(isinstance(e, ChunkFinished) and e.number == 0 and "signal 9" in (e.error or "") for e in events), [e for e in events if isinstance(e, ChunkFinished)]
    assert not target.exists()

    again = [e for e in iter_render_chunks(argv, source, target, output, workers=2, retries=0)]
    progress = [e.done for e in again if isinstance(e, ChunkProgress) and e.number == 0]
    assert min(progress) > 24, "the rerun started after the finished segment"
    assert not [e for e in again if isinstance(e, ChunkProgress) and e.number == 1 and e.done < 24], "chunk 2 was kept"
    video, audio = streams(target)
    assert len(video) == 72 and audio
    assert not any(root.iterdir()), "the job's folder and its chunks' folders are gone"


def test_a_chunk_refuses_without_a_work_folder(tmp_path, files, env):
    source = make_clip(tmp_path / "in.mp4", frames=30, fps=FPS)
    done = subprocess.run(cli(source, "-s", files / "style.png", "-o", tmp_path / "o.mp4", "--chunk", "24:"), env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "--work-dir" in done.stderr and "Traceback" not in done.stderr


def test_passes_cannot_be_split(tmp_path, files, env):
    source = make_clip(tmp_path / "in.mp4", frames=12, fps=FPS)
    done = subprocess.run(cli(source, "-s", files / "style.png", "-o", tmp_path / "o.mp4", "--workers", "2", "--passes", "2"),
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "--passes" in done.stderr


def test_the_zoom_loop_is_refused_in_one_line(tmp_path, files, env):
    done = subprocess.run([sys.executable, "-m", "videostyle", "dream", files / "style.png", "-o", tmp_path / "z.mp4",
                           "--frames", "4", "--workers", "2", "-q"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "zoom loop" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_dream_video_in_two_chunks_has_the_timing_and_audio_of_one(tmp_path, files, env):
    source = make_clip(tmp_path / "in.mp4", frames=30, fps=FPS)
    argv = [sys.executable, "-m", "videostyle", "dream", source, "--size", "32", "--steps", "1", "--octaves", "1",
            "--device", "cpu", "--seed", "0", "-q"]
    subprocess.run([*argv, "-o", tmp_path / "one.mp4"], env=env, check=True, capture_output=True, timeout=300)
    done = subprocess.run([*argv, "-o", tmp_path / "two.mp4", "--workers", "2"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert streams(tmp_path / "two.mp4") == streams(tmp_path / "one.mp4")


@pytest.mark.own_process  # Ray's threads outlive ray.shutdown: not in the suite's own process
def test_ray_chunks_report_progress_live_and_join_like_local_ones(tmp_path, files, env):
    ray = pytest.importorskip("ray")
    source = make_clip(tmp_path / "in.mp4", frames=48, fps=FPS)
    target = tmp_path / "ray.mp4"
    argv = ["stylize", "-s", str(files / "style.png"), "--size", "32", "--steps", "2", "--device", "cpu", "-o", str(target), "--", str(source)]
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        events = list(iter_render_chunks(argv, source, target, OutputOptions(work_dir=tmp_path / "work"), workers=2, executor="ray"))
    finally:
        ray.shutdown()
    for number in (0, 1):
        mine = [e for e in events if getattr(e, "number", None) == number]
        assert isinstance(mine[-1], ChunkFinished) and mine[-1].error is None
        assert [e.done for e in mine if isinstance(e, ChunkProgress)][-1] == 24, "the task's progress reached the head"
    video, audio = streams(target)
    assert len(video) == 48 and video == sorted(set(video)) and audio


def test_a_head_under_a_batch_says_how_many_chunks_are_done(capsys):
    from videostyle.batch.chunks import ChunksPlanned
    from videostyle.cli.chunks import ChunkedJsonProgress
    from videostyle.progress import FrameProgress

    view = ChunkedJsonProgress("stylize in.mp4")
    for event in (ChunksPlanned(((0, 48), (48, None))), ChunkProgress(0, 0, 48, 3, 48, 1.0, "w0"), FrameProgress(10, 72),
                  ChunkProgress(1, 48, None, 5, 24, 1.0, "w1"), ChunkFinished(1, 2.0, 1, None, False),
                  ChunkFinished(0, 2.0, 1, "killed by signal 9", True)):
        view.update(event)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [(line["done"], line["chunks"]) for line in lines] == [(10, [0, 2]), (10, [1, 2]), (10, [1, 2])]


def test_each_gpu_worker_runs_device_cuda_n_as_its_own_cuda(tmp_path, monkeypatch):
    from .conftest import FAKE

    source = make_clip(tmp_path / "in.mp4", frames=100, fps=24, audio=False)  # 3 segments: 2 chunks
    target = tmp_path / "out.mp4"
    argv = ["stylize", "--device", "cuda:1", "-o", str(target), "--", str(source)]
    monkeypatch.chdir(tmp_path)  # the fake CLI logs its starts (GPU mask, argv) in calls.log here
    events = iter_render_chunks(argv, source, target, OutputOptions(work_dir=tmp_path / "work"), workers=2, gpus=["2", "3"], program=FAKE, retries=0)
    with pytest.raises(VideostyleError):  # the fake writes no segments to join
        for _ in events:
            pass
    starts = sorted((tmp_path / "calls.log").read_text().splitlines())
    assert [line.split()[1] for line in starts] == ["gpu=2", "gpu=3"]
    assert all("--device cuda " in line and "cuda:1" not in line for line in starts)


def test_a_preview_is_refused_in_one_line_for_chunks(tmp_path, files, env):
    source = make_clip(tmp_path / "in.mp4", frames=12, fps=FPS)
    done = subprocess.run(cli(source, "-s", files / "style.png", "-o", tmp_path / "o.mp4", "--workers", "2", "--preview-every", "5"),
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "--preview-every" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o.preview.png").exists()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]


def test_a_head_killed_mid_render_and_run_again_keeps_every_finished_chunk(tmp_path, files, env):
    source = make_clip(tmp_path / "in.mp4", frames=72, fps=FPS)  # chunks [0, 48) and [48, end): one finishes first
    target, root = tmp_path / "out.mp4", tmp_path / "work"
    options = ["-s", str(files / "style.png"), "--size", "32", "--steps", "4", "--device", "cpu", "-o", str(target)]
    head = subprocess.Popen([sys.executable, "-m", "videostyle", "stylize", *options, "--workers", "2", "--work-dir", str(root), "-q", str(source)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    last = chunk_folder(root, target, (48, None))
    deadline = time.monotonic() + 180
    while not (last / "000002.json").exists():
        assert time.monotonic() < deadline and head.poll() is None, head.communicate()
        time.sleep(0.005)
    workers = [int(pid) for pid in subprocess.run(["pgrep", "-P", str(head.pid)], capture_output=True, text=True).stdout.split()]
    head.kill()  # kill -9: no cleanup at all
    head.communicate()
    assert not (chunk_folder(root, target, (0, 48)) / "000001.json").exists(), "the first chunk was still running"
    while any(_alive(pid) for pid in workers):  # they see their head gone and stop (shutdown.exit_with_parent)
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert not target.exists()

    argv = ["stylize", *options, "--", str(source)]
    again = list(iter_render_chunks(argv, source, target, OutputOptions(work_dir=root), workers=2, retries=0))
    assert [e.error for e in again if isinstance(e, ChunkFinished)] == [None, None]
    assert not [e for e in again if isinstance(e, ChunkProgress) and e.number == 1 and e.done < 24], "the finished chunk was rendered again"
    video, audio = streams(target)
    assert len(video) == 72 and audio
