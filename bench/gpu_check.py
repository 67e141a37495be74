"""One prepared check of every CUDA path: each runs once and leaves one JSON line per figure.

    python bench/gpu_check.py --device cuda --weights efficientnet_lite0.pth [--raft-weights raft_small.pth]
    python bench/gpu_check.py --device cpu --quick          # toy sizes, a few seconds: the test suite runs this

Lines go to bench/results/DATE-DEVICE.jsonl (``--out`` for another folder) and to stdout. A path that
fails is a line with ``"ok": false`` and its error, and the check goes on; the exit status is 1 when
any failed (a path not built yet is ``"ok": null`` with the reason). The GPU machine may have no internet: what it must carry is checked first (PyAV, OpenCV,
the backbone's 19 MB Lite0 weights file, passed with ``--weights`` when its pip package is absent),
and a missing piece stops the check at once with one line. Sized to finish in about 8 minutes on one
H100/H200 (``--quick``: toy sizes on any device).
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

    def stylize_temporal_video(self) -> dict[str, object]:
        from videostyle.stylize.run import iter_stylize_file
        from videostyle.video import OutputOptions

        source = clip(self.folder / "temporal.mp4", self.sizes.video, self.sizes.frames)
        style = self.folder / "style.png"
        from videostyle.media import write_image

        write_image(self.style.cpu(), style, overwrite=True)
        figures: dict[str, object] = {"size": list(self.sizes.video), "frames": self.sizes.frames}
        for precision in ("fp32", "bf16"):
            start = self.clock()
            options = self._stylize_options(precision=precision)
            drain(iter_stylize_file(source, self.folder / "temporal_out.mp4", [style], options, OutputOptions(overwrite=True), self.device))
            figures[f"s_per_frame_{precision}"] = (self.clock() - start) / self.sizes.frames
        return figures

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
        raise Skipped("a two-job batch with --gpus 1 is left to the batch-layer rewrite")


FIGURES = (
    "stylize_image", "stylize_image_bf16", "optim_vs_forward_backward", "stylize_temporal_video", "ff_trained",
    "ff_builtin_stabilize", "dream_zoom", "tiled_still", "flow_dis_vs_raft", "batch_two_jobs",
)


def run(device: torch.device, sizes: Sizes, weights: Path | None, raft: Path | None, emit: Callable[[dict[str, object]], None]) -> int:
    """Every figure once; returns the number that failed."""
    torch.backends.cudnn.benchmark = True
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        check = Check(device, sizes, weights, raft, Path(tmp))
        for name in FIGURES:
            start = time.perf_counter()
            try:
                line: dict[str, object] = {"figure": name, "ok": True, **getattr(check, name)()}
            except Skipped as reason:
                line = {"figure": name, "ok": None, "skipped": str(reason)}
            except Exception as error:  # a failed path is a failed line; the check goes on
                failed += 1
                line = {"figure": name, "ok": False, "error": f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"}
            line["wall_s"] = round(time.perf_counter() - start, 3)
            emit(line)
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--quick", action="store_true", help="toy sizes (the test suite's dry run)")
    parser.add_argument("--weights", type=Path, help="the Lite0 weights file, when its pip package is not installed")
    parser.add_argument("--raft-weights", type=Path, help="torchvision's raft_large weights file, for the flow figure")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    from videostyle.device import resolve_device
    from videostyle.errors import VideostyleError

    try:
        device = resolve_device(args.device)
    except VideostyleError as error:
        print(f"gpu-check: {error}", file=sys.stderr)
        return 2
    missing = preflight(args.weights)
    if missing is not None:
        print(missing, file=sys.stderr)
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

        failed = run(device, Sizes.quick() if args.quick else Sizes(), args.weights, args.raft_weights, emit)
    print(f"gpu-check: {len(FIGURES) - failed} of {len(FIGURES)} paths ran; lines in {path}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
