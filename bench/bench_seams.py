"""Seams of a video rendered in chunks, against the preroll K; and 1 vs 2 workers on the same job.

    python bench/bench_seams.py [--size 96] [--steps 20] [--prerolls 0,4,8,16,32] [--after 8] [--skip-scaling]
        [--only-seams | --only-cuts | --only-encoder | --only-scaling | --only-files]

Seams: for each clip (samples/clip.mp4, and a pan over samples/photo.jpg with a slow zoom, i.e. camera
motion) and engine (the optimizing engine; builtin:19 with --stabilize), one uninterrupted render of the
whole clip is the reference. Then, for cut points c = 24, 48, 72 and each K, the chunk that starts at c
is rendered as a worker would (resumed at c - K with no state, K warm frames dropped) for ``--after``
frames, and joined to the reference's frames before c. The seam figure is E_warp (Lai et al.; flow of
the input) of the pair (c-1, c) divided by the median E_warp of the pairs inside the chunks, averaged
over the cuts; the "1 worker" row is the same ratio for the uninterrupted video (pairs vary by nature).

Segment boundaries: the same ratio, on the decoded file of a 1-worker run with --work-dir, for the pairs
across its 2 s segment boundaries (each segment is a fresh encoder's output and starts with a keyframe).

Scaling: the same job (sample clip) with the CLI, --workers 1 and --workers 2, wall time and efficiency
T1 / (2 T2), plus the measured costs the model in the README uses: process start to first frame,
per-frame time, and the join.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av
import numpy as np
import torch
from PIL import Image

from videostyle.feedforward.inference import InferenceOptions
from videostyle.feedforward.pipeline import iter_apply_model_video as iter_model_video
from videostyle.flow import FlowOptions, carry
from videostyle.media import frame_to_tensor, probe_video, read_frames
from videostyle.metrics import pair_warping_error
from videostyle.progress import drain
from videostyle.resize import resize
from videostyle.stylize import StyleOptions, iter_stylize_video
from videostyle.video import FrameList, OutputOptions, ResumePoint
from videostyle.video.crossfade import fade_weight
from videostyle.video.options import DEFAULT_PREROLL

ROOT = Path(__file__).resolve().parents[1]
CLIP = ROOT / "samples" / "clip.mp4"
PHOTO = ROOT / "samples" / "photo.jpg"
STYLE = ROOT / "samples" / "styles" / "brush_strokes.png"
CUTS = (24, 48, 72)


def pan_clip(path: Path, frames: int = 96, size: tuple[int, int] = (192, 128), cut_at: int | None = None) -> Path:
    """A camera move over the sample photo: a pan of 3 px a frame with a slow zoom, near-lossless; from
    ``cut_at`` on, another shot (the picture turned upside down and darkened)."""
    photo = np.asarray(Image.open(PHOTO).convert("RGB"))
    h, w = photo.shape[:2]
    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=24)
        video.width, video.height = size
        video.pix_fmt = "yuv420p"
        video.options = {"preset": "medium", "crf": "8"}
        for index in range(frames):
            scale = 0.6 - 0.002 * index  # window as a share of the photo
            cw, ch = int(w * scale), int(w * scale * size[1] / size[0])
            x = min(w - cw, int(0.05 * w) + 3 * index)
            y = min(h - ch, int(0.1 * h) + index)
            crop = np.asarray(Image.fromarray(photo[y : y + ch, x : x + cw]).resize(size, Image.BICUBIC))
            if cut_at is not None and index >= cut_at:
                crop = np.ascontiguousarray(crop[::-1, ::-1] // 2)
            frame = av.VideoFrame.from_ndarray(crop, format="rgb24")
            frame.pts = index
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
    return path


def render(engine: str, source: Path, args: argparse.Namespace, frames: int, start: int = 0) -> list[np.ndarray]:
    """Frames ``[start, frames)`` of ``source`` stylized as a worker resumed at ``start`` with no state would."""
    output = OutputOptions(size=args.size, duration=frames / float(probe_video(source).fps))
    sink = FrameList()
    resume = ResumePoint(start) if start else None
    if engine == "optimization":
        options = StyleOptions(steps=args.steps, seed=0)
        drain(iter_stylize_video(source, Path(os.devnull + ".mp4"), [STYLE], options, output, "cpu", sink=sink, resume=resume))
    else:
        options = InferenceOptions(stabilize=True)
        drain(iter_model_video(source, Path(os.devnull + ".mp4"), "builtin:19", options, output, "cpu", sink=sink, resume=resume))
    return [frame.rgb for frame in sink.frames]


def pair_errors(source: Path, video: list[np.ndarray]) -> list[float]:
    """E_warp of each consecutive pair of ``video``, with the flow of the input at the video's size."""
    estimator = FlowOptions().estimator(torch.device("cpu"))
    size = video[0].shape[:2]
    content = [resize(frame_to_tensor(f.rgb, "cpu"), size) for _, f in zip(video, read_frames(source))]
    out = [frame_to_tensor(f, "cpu") for f in video]
    return [pair_warping_error(out[t], out[t + 1], carry(estimator, content[t], content[t + 1])) for t in range(len(out) - 1)]


def seam_ratio(errors: list[float], seam: int) -> float:
    """The error of pair ``seam`` (frames seam, seam+1) over the median of the other pairs of ``errors``."""
    return errors[seam] / statistics.median(e for t, e in enumerate(errors) if t != seam)


def faded(reference: list[np.ndarray], warm: list[np.ndarray], cut: int) -> list[np.ndarray]:
    """The reference's frames before ``cut`` with its last ``len(warm)`` cross-faded into the next chunk's
    warm-up frames ``warm``, as the chunk before makes them (video.crossfade)."""
    k = len(warm)
    return reference[: cut - k] + [a + fade_weight(j, k) * (b - a) for j, (a, b) in enumerate(zip(reference[cut - k : cut], warm))]


def seams(args: argparse.Namespace, clips: dict[str, Path]) -> None:
    """Per clip and engine: the seam (pair c-1, c) over the median pair around it inside the chunks, per cut
    and on average; for the optimizing engine, also with the cross-fade (as the head plans it) the seam,
    the worst pair of the fade window (pairs c-K-1 .. c-1) against the median pair of the uninterrupted
    render around it (in brackets: the uninterrupted render's worst pair there, which varies by nature
    too), and the least sharpness of a faded frame against the uninterrupted frame's."""
    prerolls = [int(k) for k in args.prerolls.split(",")]
    print("| clip | engine | K | seam / median inside, per cut (24, 48, 72) | mean | faded: seam | worst pair in fade (1 worker) | least sharpness |")
    print("|---|---|---|---|---|---|---|---|")
    for name, clip in clips.items():
        for engine in ("optimization", "stabilize"):
            total = max(CUTS) + args.after
            reference = render(engine, clip, args, total)
            whole = pair_errors(clip, reference)
            ratios = [seam_ratio(whole[c - args.after - 1 : c + args.after - 1], args.after) for c in CUTS]
            print(f"| {name} | {engine} | 1 worker | {', '.join(f'{r:.2f}' for r in ratios)} | {statistics.mean(ratios):.2f} | | | |", flush=True)
            for k in prerolls:
                ratios, fade_seams, worst, softest = [], [], [], []
                for c in CUTS:
                    chunk = render(engine, clip, args, c + args.after, start=max(0, c - k))
                    warm, after = chunk[: c - max(0, c - k)], chunk[c - max(0, c - k) :]
                    ratios.append(seam_ratio(pair_errors(clip, reference[:c] + after)[c - args.after - 1 :], args.after))
                    if engine != "optimization" or not k:
                        continue
                    errors = pair_errors(clip, faded(reference, warm, c) + after)
                    fade_seams.append(seam_ratio(errors[c - args.after - 1 :], args.after))
                    first = c - len(warm)  # the fade's first frame (0 where the preroll reaches the clip's start)
                    inside = statistics.median(whole[max(0, first - 1 - args.after) : c + args.after - 1])
                    worst.append((max(errors[max(0, first - 1) : c]) / inside, max(whole[max(0, first - 1) : c]) / inside))
                    mixed = faded(reference, warm, c)[first:]
                    softest.append(min(sharpness_of(m) / sharpness_of(r) for m, r in zip(mixed, reference[first:c])))
                fade = (f"{statistics.mean(fade_seams):.2f} | {statistics.mean(w for w, _ in worst):.2f} "
                        f"({statistics.mean(o for _, o in worst):.2f}) | {min(softest):.2f}" if fade_seams else " | | ")
                print(f"| {name} | {engine} | {k} | {', '.join(f'{r:.2f}' for r in ratios)} | {statistics.mean(ratios):.2f} | {fade} |", flush=True)


def sharpness_of(rgb: np.ndarray) -> float:
    """Mean gradient magnitude of the luminance (as bench_drift's sharpness)."""
    grey = rgb.astype(np.float32) @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    dy, dx = np.diff(grey, axis=0)[:, :-1], np.diff(grey, axis=1)[:-1, :]
    return float(np.sqrt(dx * dx + dy * dy).mean())


def cut_seams(args: argparse.Namespace, folder: Path) -> None:
    """The optimizing engine's seam when the chunk boundary (frame 48) follows a scene cut (frame 40) and
    the chunk warms up from the cut, as the planner arranges it; against a plain K = 8 on the same clip."""
    clip = pan_clip(folder / "cut.mp4", frames=64, cut_at=40)
    reference = render("optimization", clip, args, 48 + args.after)
    whole = pair_errors(clip, reference)
    print(f"\ncut at 40, chunk at 48, optimizing engine: 1 worker {seam_ratio(whole[48 - args.after - 1 :], args.after):.2f}", end="")
    for start, label in ((40, "warm-up from the cut (K = 8)"), (44, "K = 4 inside the shot")):
        chunk = render("optimization", clip, args, 48 + args.after, start=start)[48 - start :]
        errors = pair_errors(clip, reference[:48] + chunk)[48 - args.after - 1 :]
        print(f", {label} {seam_ratio(errors, args.after):.2f}", end="")
    print(flush=True)


X264_VARIANTS = (
    "mbtree=0", "mbtree=0:ipratio=1.0", "mbtree=0:ipratio=1.0:qcomp=1.0",
    "mbtree=0:scenecut=0", "mbtree=0:aq-mode=0", "mbtree=0:qpmin=10", "mbtree=0:ipratio=1.2",
    "mbtree=0:zones=0,0,q=12", "mbtree=0:zones=0,0,b=2.0", "mbtree=0:qcomp=0.8",
    "mbtree=0:psy-rd=1,0.15:deblock=-1,-1",  # --tune film
    "mbtree=0:aq-strength=0.5:deblock=-2,-2:ipratio=1.1:pbratio=1.1:psy-rd=1,0.25:qcomp=0.8:dct-decimate=0",  # --tune grain
    "mbtree=1", "mbtree=0:keyint=24:min-keyint=24",
)
"""x264 settings the segment keyframe was measured with (the --tune rows spell out x264's tune presets:
a tune is not an x264-params key). Only mbtree=0 is the writer's; the rest are for the table."""


def encoder_seams(args: argparse.Namespace, folder: Path) -> None:
    """The keyframe each segment starts with, alone: the same stylized frames (sample clip, --stabilize)
    encoded in 1 s segments (boundaries 24, 48, 72) with several x264 settings, and in one piece."""
    from videostyle.media import SegmentedVideoWriter, VideoWriter, video_writer

    frames = render("stabilize", CLIP, args, 96)
    info = probe_video(CLIP)
    print("\n| x264 params | written as | boundary E_warp / median, per boundary (24, 48, 72) | mean | bytes |\n|---|---|---|---|---|")
    for params in X264_VARIANTS:
        video_writer.X264_PARAMS = params  # read when each encoder is opened
        for label in ("1 s segments", "one piece"):
            target = folder / f"enc-{len(list(folder.glob('enc-*')))}.mp4"
            writer = (SegmentedVideoWriter(target, folder / "enc-work", info, segment_seconds=1.0) if label != "one piece"
                      else VideoWriter(target, info))
            with writer:
                for rgb in frames:
                    writer.write(rgb)
            with av.open(str(target)) as container:
                decoded = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
            errors = pair_errors(CLIP, decoded)
            ratios = [seam_ratio(errors[b - 1 - args.after : b - 1 + args.after], args.after) for b in (24, 48, 72)]
            print(f"| {params} | {label} | {', '.join(f'{r:.2f}' for r in ratios)} | {statistics.mean(ratios):.2f} | {target.stat().st_size} |", flush=True)
    video_writer.X264_PARAMS = X264_VARIANTS[0]


def cli(target: Path, args: argparse.Namespace, *extra: str) -> list[str]:
    return [sys.executable, "-m", "videostyle", "stylize", str(CLIP), "-s", str(STYLE), "-o", str(target), "--size",
            str(args.size), "--steps", str(args.steps), "--seed", "0", "--device", "cpu", "--overwrite", *extra]


def timed(argv: list[str]) -> tuple[float, list[dict]]:
    """Wall time and the JSON progress lines of one CLI run."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "VIDEOSTYLE_PROGRESS": "json", "OMP_NUM_THREADS": "1"}
    started = time.monotonic()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    return time.monotonic() - started, lines


def segment_seams(args: argparse.Namespace, folder: Path) -> Path:
    """The 1-worker run in segments: its ratio at the segment boundaries (encoder keyframes) on the file."""
    target = folder / "one.mp4"
    seconds, _ = timed(cli(target, args, "--work-dir", str(folder / "work")))
    with av.open(str(target)) as container:
        video = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    errors = pair_errors(CLIP, video)
    per = 48  # 2 s at 24 fps
    boundaries = [t - 1 for t in range(per, len(video), per)]
    inside = statistics.median(e for t, e in enumerate(errors) if t not in boundaries)
    print(f"\n1-worker file, segment boundaries {[t + 1 for t in boundaries]}: E_warp {[f'{errors[t]:.5f}' for t in boundaries]}, "
          f"median inside {inside:.5f}, ratio {statistics.mean(errors[t] for t in boundaries) / inside:.2f} ({seconds:.1f} s)")
    return target


def file_seams(args: argparse.Namespace, folder: Path) -> None:
    """The written files of the CLI with --workers 1 and 2 (optimizing engine, sample clip, the default preroll
    and fade): the pair across the chunk boundary (frame 48) and the worst pair of the fade before it, over
    the median pair around them, and the least sharpness of a faded frame against the 1-worker frame's."""
    videos, fade = {}, DEFAULT_PREROLL
    for workers in (1, 2):
        target = folder / f"files-{workers}.mp4"
        timed(cli(target, args, "--workers", str(workers), "--work-dir", str(folder / f"files-work{workers}")))
        with av.open(str(target)) as container:
            videos[workers] = [frame.to_ndarray(format="rgb24").astype(np.float32) / 255 for frame in container.decode(video=0)]
    print(f"\nwritten files, chunk boundary 48, fade {48 - fade}-47 ({len(videos[1])} and {len(videos[2])} frames):")
    for workers, video in videos.items():
        errors = pair_errors(CLIP, video)
        inside = statistics.median(errors[47 - fade - 4 : 47 + 4])
        print(f"{workers} worker(s): seam {errors[47] / inside:.2f}, worst pair of the fade {max(errors[47 - fade : 48]) / inside:.2f}")
    print(f"least sharpness in the fade: {min(sharpness_of(videos[2][t]) / sharpness_of(videos[1][t]) for t in range(48 - fade, 48)):.2f}")


def scaling(args: argparse.Namespace, folder: Path) -> None:
    """--workers 1 vs 2 on the sample clip, and the costs the efficiency model needs."""
    one_s, one_lines = timed(cli(folder / "w1.mp4", args, "--work-dir", str(folder / "work1")))
    two_s, _ = timed(cli(folder / "w2.mp4", args, "--workers", "2", "--work-dir", str(folder / "work2")))
    frames = probe_video(CLIP).frame_count or 96
    rate = max(line["fps"] for line in one_lines if line.get("fps"))
    per_frame = 1 / rate
    startup = one_s - frames * per_frame
    print(f"\n| workers | wall s | efficiency |\n|---|---|---|\n| 1 | {one_s:.1f} | 100 % |\n| 2 | {two_s:.1f} | {one_s / (2 * two_s):.0%} |")
    print(f"per frame {per_frame:.3f} s, start + join + decode overhead of a run {startup:.1f} s ({os.cpu_count()} CPU cores)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=96)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--prerolls", default="0,4,8,16,32")
    parser.add_argument("--after", type=int, default=8, help="frames of each chunk measured after its first")
    parser.add_argument("--skip-scaling", action="store_true")
    parser.add_argument("--only-cuts", action="store_true", help="just the scene-cut measurement")
    parser.add_argument("--only-encoder", action="store_true", help="just the segment keyframe measurement")
    parser.add_argument("--only-seams", action="store_true", help="just the seam table")
    parser.add_argument("--only-scaling", action="store_true", help="just 1 vs 2 workers")
    parser.add_argument("--only-files", action="store_true", help="just the seam and fade on written files, 1 vs 2 workers")
    args = parser.parse_args()
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.only_files:
            file_seams(args, folder)
            return
        if args.only_scaling:
            scaling(args, folder)
            return
        if args.only_encoder:
            encoder_seams(args, folder)
            return
        if not args.only_cuts:
            seams(args, {"sample": CLIP, "pan": pan_clip(folder / "pan.mp4")})
        if args.only_seams:
            return
        cut_seams(args, folder)
        if args.only_cuts:
            return
        segment_seams(args, folder)
        encoder_seams(args, folder)
        if not args.skip_scaling:
            scaling(args, folder)


if __name__ == "__main__":
    main()
