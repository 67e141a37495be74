"""Style keyframes with temporal coherence (issue 21): does an A->B transition follow its keys, and stay steady?

    python bench/bench_transition.py [--size 96] [--frames 16] [--keys 4,9] [--iterations 20]
        [--style-a samples/styles/stained_glass.png] [--style-b samples/styles/brush_strokes.png]
        [--temporal name=value ...] [--option name=value ...]

    python bench/bench_transition.py --frames 40 --keys 8,32 --iterations 16 --size 80   # docs/stylize.md's figures

Stylizes the tests' synthetic pan four times in the temporal mode: keyed (``--style-at K0:A --style-at K1:B
--ease smooth``), the same with the prior that does not carry earlier results to the new blend
("keyed_uncarried": steering.StyleTransition left out, the engine before issue 21's round 3), A only and
B only. Prints, per frame, B's share of the keyed blend ("keyed") and where the keyed frame's style lies
between the A-only and B-only frames' ("look": d(f,A) / (d(f,A) + d(f,B)), 0 = A, 1 = B, d the distance
of the backbone's Gram matrices on the style layers, as the style loss sees a look; "pixels": the same
with the mean pixel difference, which a warm-started clip cannot reach since its texture is laid out
along its own chain of frames); their mean gap ("lag"); and the warping error E_warp
(metrics.pair_warping_error, flow of the input) of each clip's frame pairs inside the transition
(K0..K1] against the steady pairs: the issue asks for a keyed ratio of at most 1.2. "crossfade" is the
A-only and B-only frames mixed by the keyed share: the change a transition must make.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import torch

from videostyle.flow import FlowOptions, carry
from videostyle.media import frame_to_tensor, read_frames
from videostyle.metrics import pair_warping_error
from videostyle.objectives import gram
from videostyle.progress import drain
from videostyle.resize import resize
from videostyle.stylize import StyleOptions, TemporalOptions
from videostyle.stylize.run import iter_stylize_video, load_styles, make_prior
from videostyle.stylize.stylizer import Stylizer
from videostyle.timeline import Moment, TimelineOptions
from videostyle.video import FrameList, FramePrior, OutputOptions

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_drift import parse_option  # noqa: E402  (same folder)
from bench_flicker import pan_clip  # noqa: E402


def render(clip: Path, folder: Path, styles: list[str], options: StyleOptions, temporal: TemporalOptions,
           size: int, timeline: TimelineOptions = TimelineOptions(), prior: FramePrior | None = None) -> list[torch.Tensor]:
    sink = FrameList()
    drain(iter_stylize_video(clip, folder / "o.mp4", styles, options, OutputOptions(size=size), sink=sink,
                             temporal=temporal, timeline=timeline, prior=prior))
    return [frame_to_tensor(f.rgb) for f in sink.frames]


def row(values: list[float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


@torch.no_grad()
def style_look(
    keyed: list[torch.Tensor], only_a: list[torch.Tensor], only_b: list[torch.Tensor], options: StyleOptions, style: str
) -> list[float]:
    """Per frame, d(keyed, A) / (d(keyed, A) + d(keyed, B)) with d the Gram distance on the style layers."""
    stylizer = Stylizer(load_styles([style]), options, torch.device("cpu"))  # for its backbone and layers

    def grams(image: torch.Tensor) -> dict[str, torch.Tensor]:
        return {k: gram(v) for k, v in stylizer.backbone(image, stylizer.style_layers).items()}

    def distance(x: dict[str, torch.Tensor], y: dict[str, torch.Tensor]) -> float:
        return sum(float((x[k] - y[k]).pow(2).mean()) for k in x)

    look = []
    for f, a, b in zip(keyed, only_a, only_b):
        gf, ga, gb = grams(f), grams(a), grams(b)
        look.append(distance(gf, ga) / max(distance(gf, ga) + distance(gf, gb), 1e-12))
    return look


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--style-a", default="samples/styles/stained_glass.png")
    parser.add_argument("--style-b", default="samples/styles/brush_strokes.png")
    parser.add_argument("--size", type=int, default=96)
    parser.add_argument("--frames", type=int, default=16)
    parser.add_argument("--keys", default="4,9", help="frames of the A and B keyframes")
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--option", action="append", default=[])
    parser.add_argument("--temporal", action="append", default=[])
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    options = StyleOptions(steps=args.iterations, seed=0, **dict(parse_option(o) for o in args.option))
    temporal = TemporalOptions(**dict(parse_option(o, TemporalOptions) for o in args.temporal))
    k0, k1 = (int(k) for k in args.keys.split(","))
    timeline = TimelineOptions(style_at=(f"{k0}:{args.style_a}", f"{k1}:{args.style_b}"), ease="smooth")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        clip = pan_clip(folder, args.size, args.frames)
        began = time.perf_counter()
        keyed = render(clip, folder, [], options, temporal, args.size, timeline)
        seconds = time.perf_counter() - began
        uncarried = render(clip, folder, [], options, temporal, args.size, timeline, make_prior(options, temporal))
        only_a = render(clip, folder, [args.style_a], options, temporal, args.size)
        only_b = render(clip, folder, [args.style_b], options, temporal, args.size)
        size = keyed[0].shape[-2:]
        inputs = [resize(frame_to_tensor(f.rgb), size) for f in read_frames(clip)]
    keys = timeline.style_keys()
    assert keys is not None
    share = [keys.schedule.at(m)[1] for m in (Moment(i, i / 24, args.frames, 24.0) for i in range(args.frames))]  # the pan is 24 fps
    gap = lambda x, y: float((x - y).abs().mean())  # noqa: E731
    pixels = [gap(f, a) / (gap(f, a) + gap(f, b)) for f, a, b in zip(keyed, only_a, only_b)]
    look = style_look(keyed, only_a, only_b, options, args.style_a)
    uncarried_look = style_look(uncarried, only_a, only_b, options, args.style_a)
    estimator = FlowOptions().estimator()
    crossfade = [torch.lerp(a, b, w) for a, b, w in zip(only_a, only_b, share)]
    clips = {"keyed": keyed, "keyed_uncarried": uncarried, "a_only": only_a, "b_only": only_b, "crossfade": crossfade, "input": inputs}
    errors: dict[str, dict[str, list[float]]] = {n: {"transition": [], "steady": []} for n in clips}
    for t in range(1, args.frames):
        pair = carry(estimator, inputs[t - 1], inputs[t])
        part = "transition" if k0 < t <= k1 else "steady"
        for n, frames in clips.items():
            errors[n][part].append(pair_warping_error(frames[t - 1], frames[t], pair))
    mean = lambda v: sum(v) / len(v)  # noqa: E731
    e_warp = {n: {p: mean(v) for p, v in parts.items()} for n, parts in errors.items()}
    for parts in e_warp.values():
        parts["ratio"] = parts["transition"] / parts["steady"]
    print(json.dumps({
        "size": args.size, "frames": args.frames, "keys": [k0, k1], "iterations": args.iterations,
        "temporal": args.temporal, "option": args.option, "keyed_seconds": round(seconds, 1),
        "per_frame": {"keyed": row(share), "look": row(look), "pixels": row(pixels)},
        "uncarried": {"look": row(uncarried_look)},
        "lag": round(mean([s - v for s, v in zip(share, look)]), 3),
        "lag_uncarried": round(mean([s - v for s, v in zip(share, uncarried_look)]), 3),
        "e_warp": e_warp,
    }, indent=2))


if __name__ == "__main__":
    main()
