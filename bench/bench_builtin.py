"""Images per second of the built-in arbitrary-style network: the torch port beside onnxruntime.

    python bench/bench_builtin.py [--device cpu|cuda] [--sizes 640x360,1920x1080] [--seconds 10]
                                  [--batch 1] [--precision fp32|fp16|bf16] [--channels-last]

Same machine, same input, same style vector. onnxruntime runs the shipped int8 graph
(arbitrary_transform.onnx, QDQ: int8 weights and activations) with its input made size-free; where
it cannot run a size the row says so. The torch port runs float activations (fp32 on the CPU; on
CUDA --precision fp16/bf16 under autocast, --channels-last, --batch N). The style vector is
predicted once (as the pipeline does), so the rows time the transformer alone.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from videostyle.feedforward.builtin import catalog, load_arbitrary_network
from videostyle.feedforward.builtin.magenta import with_bias_term

_DTYPES = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}


def rate(run, images_per_call: int, seconds: float, sync) -> float:
    run()  # warm-up: allocations, cuDNN autotuning
    sync()
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds or calls < 2:
        run()
        calls += 1
    sync()
    return calls * images_per_call / (time.perf_counter() - start)


def onnx_session(threads: int | None):
    import onnx
    import onnxruntime as ort

    model = onnx.load(str(catalog.models_dir() / "arbitrary_transform.onnx"))
    for value in (model.graph.input[0], model.graph.output[0]):  # NHWC: free height and width
        dims = value.type.tensor_type.shape.dim
        dims[1].dim_param, dims[2].dim_param = "height", "width"
    options = ort.SessionOptions()
    options.log_severity_level = 3
    if threads:
        options.intra_op_num_threads = threads
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--sizes", default="640x360,1920x1080")
    parser.add_argument("--seconds", type=float, default=10.0, help="time per row")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--precision", default="fp32", choices=tuple(_DTYPES))
    parser.add_argument("--channels-last", action="store_true")
    parser.add_argument("--threads", type=int, help="CPU threads for both torch and onnxruntime")
    parser.add_argument("--no-onnxruntime", action="store_true")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    cuda = device.type == "cuda"
    network = load_arbitrary_network().to(device)
    torch.manual_seed(0)
    with torch.inference_mode():
        vector = network.encode_style(torch.rand(1, 3, 256, 256, device=device))
    style = with_bias_term(vector)
    sync = (lambda: torch.cuda.synchronize(device)) if cuda else (lambda: None)
    name = torch.cuda.get_device_name(device) if cuda else f"CPU, {torch.get_num_threads()} torch threads"
    sizes = [tuple(map(int, size.lower().split("x"))) for size in args.sizes.split(",")]
    memory = torch.channels_last if args.channels_last else torch.contiguous_format
    transformer = network.transformer.to(memory_format=memory)
    dtype = _DTYPES[args.precision]
    ours = {}
    for width, height in sizes:
        images = torch.rand(args.batch, 3, height, width, device=device).contiguous(memory_format=memory)

        @torch.inference_mode()
        def torch_run(images: torch.Tensor = images) -> None:
            with torch.autocast(device.type, dtype=dtype, enabled=dtype != torch.float32):
                transformer(images, style)

        ours[(width, height)] = rate(torch_run, args.batch, args.seconds, sync)
    # onnxruntime only after torch: its idle worker threads spin and would steal the CPU from torch's rows
    theirs = {size: float("nan") for size in sizes}
    if not args.no_onnxruntime:
        session = onnx_session(args.threads)
        for width, height in sizes:
            feed = {
                session.get_inputs()[0].name: np.random.default_rng(0).random((1, height, width, 3), dtype=np.float32),
                session.get_inputs()[1].name: vector.float().cpu().numpy().reshape(1, 1, 1, -1),
            }
            theirs[(width, height)] = rate(lambda feed=feed: session.run(None, feed), 1, args.seconds, lambda: None)
    print(f"device {device} ({name}); torch batch {args.batch}, {args.precision}, channels_last={args.channels_last}")
    print(f"{'size':<12}{'torch img/s':>14}{'onnxruntime img/s':>20}{'torch/ort':>10}")
    for size in sizes:
        label = f"{size[0]}x{size[1]}"
        print(f"{label:<12}{ours[size]:>14.2f}{theirs[size]:>20.2f}{ours[size] / theirs[size]:>10.2f}")


if __name__ == "__main__":
    main()
