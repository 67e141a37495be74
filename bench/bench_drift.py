"""Drift of optimized video stylization over time (issue 12): does the look wander from frame 0's?

    python bench/bench_drift.py [--clip samples/clip.mp4] [--style samples/styles/stained_glass.png]
        [--size 128] [--frames 24] [--iterations 40] [--every 4] [--device cpu] [--threads 1]
        [--option name=value ...] [--save first_last.png]

Stylizes the first --frames frames of the clip in the default temporal mode (flow-warped init + temporal
loss, warm frames with half the iterations, repeated while their style loss is over 5 % above frame 0's) and prints, every --every frames and for the last, a
markdown table of the frame's style loss to the style image and its sharpness, each also relative to
frame 0. The style loss is the relative Gram error on the backbone's default style layers (a fixed,
deterministic yardstick, whichever style loss the stylizer optimizes); sharpness is the mean gradient
magnitude of the luminance. A drift-free run keeps both within 10 % of frame 0.
--option passes StyleOptions fields through (e.g. --option style_loss=gram --option color_init=false),
--temporal TemporalOptions fields (e.g. --temporal weight=0 --temporal reliable_rate=1).
"""

from __future__ import annotations

import argparse
import dataclasses
from itertools import islice

import torch

from videostyle.media import frame_to_tensor, read_frames, read_image, write_image
from videostyle.objectives import StyleLoss, gram
from videostyle.objectives.tv import image_gradients
from videostyle.progress import drain
from videostyle.resize import fit_size, resize, resize_long_side
from videostyle.stylize import StyleOptions, Stylizer, TemporalOptions
from videostyle.color import luminance
from videostyle.stylize.run import make_prior
from videostyle.stylize.temporal import StyleLevel, StylizeWork


def sharpness(image: torch.Tensor) -> float:
    """Mean gradient magnitude of the luminance: falls as a frame grows soft."""
    dx, dy = image_gradients(luminance(image)[:, :1])
    return float((dx.pow(2) + dy.pow(2)).sqrt().mean())


def parse_option(text: str, kind: type = StyleOptions) -> tuple[str, object]:
    """name=value for a field of the options dataclass ``kind``, the value read as bool, int, float or text."""
    name, _, value = text.partition("=")
    if name not in {f.name for f in dataclasses.fields(kind)}:
        raise SystemExit(f"error: unknown {kind.__name__} field {name!r}")
    if value.lower() in ("true", "false"):
        return name, value.lower() == "true"
    for cast in (int, float):
        try:
            return name, cast(value)
        except ValueError:
            pass
    return name, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clip", default="samples/clip.mp4")
    parser.add_argument("--style", default="samples/styles/stained_glass.png")
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--frames", type=int, default=24)
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--every", type=int, default=4)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--option", action="append", default=[])
    parser.add_argument("--temporal", action="append", default=[])
    parser.add_argument("--save", help="also write frame 0 and the last frame side by side to this image file")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)

    options = StyleOptions(steps=args.iterations, **dict(parse_option(o) for o in args.option))
    temporal = TemporalOptions(**dict(parse_option(o, TemporalOptions) for o in args.temporal))
    style = read_image(args.style)
    stylizer = Stylizer([style], options, device)
    prior = StyleLevel(make_prior(options, temporal, device))
    rows = []
    for index, frame in enumerate(islice(read_frames(args.clip), args.frames)):
        content = frame_to_tensor(frame.rgb, device)
        content = resize(content, fit_size(*content.shape[-2:], args.size, even=True))
        if index == 0:  # the yardstick: plain Gram targets of the style at the working size
            target = resize_long_side(style.to(device), max(content.shape[-2:]))
            layers = stylizer.style_layers
            with torch.no_grad():
                feats = stylizer.backbone(target, layers)
            yardstick = StyleLoss({layer: gram(feats[layer]) for layer in layers})
            work = StylizeWork(stylizer, tuple(content.shape[-2:]), temporal, level=prior)
        result = drain(work.frame(content, prior))
        first_result = result if index == 0 else first_result
        with torch.no_grad():
            loss = float(yardstick(result, stylizer.backbone(result, yardstick.layers)))
        rows.append((index, loss, sharpness(result), sharpness(content)))
    if args.save:
        write_image(torch.cat([first_result, result], dim=-1), args.save, overwrite=True)
    first = rows[0]
    print(f"clip {args.clip}, style {args.style}, {args.size} px, {args.frames} frames, {args.iterations} iterations"
          f" (warm frames {temporal.warm_steps_of(args.iterations)}), options {args.option or 'default'}, temporal {args.temporal or 'default'}\n")
    print("| frame | style loss | vs frame 0 | sharpness | vs frame 0 | content sharpness |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for index, loss, sharp, csharp in rows:
        if index % args.every == 0 or index == len(rows) - 1:
            print(f"| {index} | {loss:.4f} | {loss / first[1]:.2f}x | {sharp:.4f} | {sharp / first[2]:.2f}x | {csharp:.4f} |")


if __name__ == "__main__":
    main()
