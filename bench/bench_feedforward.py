"""Feed-forward video stylization: the project's pipeline against the encoder alone and a naive loop.

    python bench/bench_feedforward.py [--device cpu|cuda] [--size 1920x1080] [--frames 240]
                                      [--preset veryfast] [--width-mult 1.0] [--batch-size 8] [--compile]
                                      [--repeats 2]

Side by side in one run, on one synthetic clip (moving shapes, encoded first):

  (a) encoder alone    VideoWriter at --preset, fed already decoded RGB frames: the ceiling for (c)
  (b) naive loop       decode, one frame at a time, fp32, copy back, encode, all on one thread
  (c) pipeline         videostyle.feedforward.pipeline: decode / GPU / encode threads, batches,
                       pinned memory, autocast + channels_last on CUDA
  model only           the network on batches already on the device (no decoding, no encoding)
  decoder alone        read_frames, for reference

Goals on a GPU: (c) >= 0.9 x (a) and (c) >= 3 x (b); on the CPU (c) >= 1.0 x (b), e.g.
``--device cpu --size 640x360``. Defaults: 1920x1080, 240 frames on CUDA;
256x144, 16 frames on the CPU (well under a minute). The network has random weights: its speed does
not depend on their values (give --model to time a trained file).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np
import torch

from videostyle.feedforward.inference import FrameStylizer, InferenceOptions
from videostyle.feedforward.johnson.model_file import load_model
from videostyle.feedforward.johnson.network import NetworkConfig, StyleNetwork, style_weights
from videostyle.feedforward.pipeline import iter_apply_model_video
from videostyle.media import Frame, VideoWriter, frame_to_tensor, read_frames, tensor_to_frame
from videostyle.progress import drain
from videostyle.video import OutputOptions

FPS = Fraction(30)


def synthetic_frames(width: int, height: int, count: int) -> list[np.ndarray]:
    """Moving gradients and discs: enough detail and motion that the encoder does real work."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    frames = []
    for t in range(count):
        r = 127 + 120 * np.sin((x + 4 * t) / 37.0)
        g = 127 + 120 * np.sin((y - 3 * t) / 23.0)
        b = 127 + 120 * np.sin((x + y + 5 * t) / 51.0)
        disc = ((x - (t * 7) % width) ** 2 + (y - height / 2) ** 2) < (height / 6) ** 2
        rgb = np.stack([r, g, b], axis=-1)
        rgb[disc] = 255 - rgb[disc]
        frames.append(rgb.clip(0, 255).astype(np.uint8))
    return frames


def timed(label: str, frames: int, run: Callable[[], None], device: torch.device) -> tuple[str, int, float]:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    start = time.perf_counter()
    run()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return label, frames, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--size", help="WIDTHxHEIGHT (default 1920x1080 on CUDA, 256x144 on the CPU)")
    parser.add_argument("--frames", type=int, help="clip length (default 240 on CUDA, 16 on the CPU)")
    parser.add_argument("--preset", default="veryfast")
    parser.add_argument("--width-mult", type=float, default=1.0, help="network width multiplier")
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--precision", default="auto", choices=("auto", "fp32", "fp16", "bf16"))
    parser.add_argument("--compile", action="store_true", help="torch.compile the network (CUDA)")
    parser.add_argument("--model", type=Path, help="a trained model file instead of random weights")
    parser.add_argument("--threads", type=int, help="torch CPU threads")
    parser.add_argument("--repeats", type=int, default=2, help="alternating runs of (b) and (c); the best of each counts")
    args = parser.parse_args()

    device = torch.device(args.device)
    cuda = device.type == "cuda"
    if args.threads:
        torch.set_num_threads(args.threads)
    width, height = map(int, (args.size or ("1920x1080" if cuda else "256x144")).lower().split("x"))
    count = args.frames or (240 if cuda else 16)
    if args.model is not None:
        network, _ = load_model(args.model, device)
    else:
        torch.manual_seed(0)
        network = StyleNetwork(NetworkConfig(width=args.width_mult)).to(device)
    style = style_weights(network.config.styles)
    options = InferenceOptions(batch_size=args.batch_size, precision=args.precision, compile=args.compile)
    engine = FrameStylizer(network, style, device, options)
    batch = options.frames_per_batch(device, (height, width))

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "source.mp4"
        with VideoWriter(source, fps=FPS, preset="ultrafast", crf=23) as writer:
            for rgb in synthetic_frames(width, height, count):
                writer.write(rgb)
        decoded = [frame.rgb for frame in read_frames(source)]

        # Warm-up outside the timings: cuDNN autotuning, torch.compile, the first pinned allocations.
        warm = torch.from_numpy(np.stack(decoded[:batch])).to(device)
        for _ in range(3 if cuda else 1):
            engine.images(engine.from_pixels(warm, (height, width)))
        naive_net = StyleNetwork(network.config).to(device).eval()
        naive_net.load_state_dict(network.state_dict())
        with torch.inference_mode():
            naive_net(frame_to_tensor(decoded[0], device), style.to(device))

        def decoder() -> None:
            for _ in read_frames(source):
                pass

        def encoder() -> None:
            with VideoWriter(folder / "a.mp4", fps=FPS, preset=args.preset) as out:
                for rgb in decoded:
                    out.write(rgb)

        @torch.inference_mode()
        def naive() -> None:
            with VideoWriter(folder / "b.mp4", fps=FPS, preset=args.preset, overwrite=True) as out:
                for frame in read_frames(source):
                    image = naive_net(frame_to_tensor(frame.rgb, device), style.to(device))
                    out.write(Frame(tensor_to_frame(image.clamp(0, 1)), frame.pts, frame.time_base))

        def pipeline() -> None:
            output = OutputOptions(preset=args.preset, overwrite=True)
            drain(iter_apply_model_video(source, folder / "c.mp4", engine, options, output, device))

        model_batches = max(1, count // batch)

        def model_only() -> None:
            for _ in range(model_batches):
                engine.images(engine.from_pixels(warm, (height, width)))

        # (b) and (c) alternate, best of --repeats each: on a shared machine load drifts between runs.
        contest = [(timed("(b) naive loop", count, naive, device), timed("(c) pipeline", count, pipeline, device))
                   for _ in range(args.repeats)]
        rows = [
            timed("decoder alone", count, decoder, device),
            timed("(a) encoder alone", count, encoder, device),
            min((pair[0] for pair in contest), key=lambda row: row[2]),
            min((pair[1] for pair in contest), key=lambda row: row[2]),
            timed("model only", model_batches * batch, model_only, device),
        ]

    name = torch.cuda.get_device_name(device) if cuda else f"CPU, {torch.get_num_threads()} torch threads"
    print(
        f"device {device} ({name}); {width}x{height}, {count} frames, x264 preset {args.preset}; "
        f"network width {network.config.width}, batch {batch}, {engine.dtype}, "
        f"{'compiled' if args.compile else 'eager'}"
    )
    fps = {label: frames / seconds for label, frames, seconds in rows}
    print(f"{'stage':<20}{'frames':>8}{'seconds':>10}{'fps':>10}")
    for label, frames, seconds in rows:
        print(f"{label:<20}{frames:>8}{seconds:>10.2f}{frames / seconds:>10.1f}")
    c = fps["(c) pipeline"]
    naive_goal = 3 if cuda else 1
    print(
        f"(c)/(a) = {c / fps['(a) encoder alone']:.2f} (goal >= 0.9); "
        f"(c)/(b) = {c / fps['(b) naive loop']:.2f} (goal >= {naive_goal})"
    )


if __name__ == "__main__":
    main()
