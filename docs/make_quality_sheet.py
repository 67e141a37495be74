"""Before/after contact sheet of issue 12: 4 contents x 4 styles, old defaults vs new (CPU, slow).

    python docs/make_quality_sheet.py [--size 512] [--iterations 200] [--cache /tmp/quality-sheet]

Each of the 16 pairs is stylized twice, with the defaults before issue 12 (Gram loss on plain pixels,
started from the content) and with today's StyleOptions(), at equal iterations; the cells are cached
by name in --cache so an interrupted run resumes. The sheet shows, per row, the content, then for each
style the before | after pair, and is written to docs/images/quality_before_after.jpg.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

import videostyle as vs

ROOT = Path(__file__).resolve().parent.parent
STYLES = ("the_scream.jpg", "shipwreck.jpg", "stained_glass.png", "brush_strokes.png")
BEFORE = dict(style_loss="gram", color_init=False, parameterization="pixels", style_weight=1e3, tv_weight=300.0)


def contents() -> dict[str, torch.Tensor]:
    """The cat and a frame of the clip from samples/, and two public-domain photos from scikit-image."""
    from skimage import data

    from videostyle.media import frame_to_tensor, read_frames

    clip = next(f for i, f in enumerate(read_frames(ROOT / "samples" / "clip.mp4")) if i == 48)
    return {
        "cat": vs.read_image(ROOT / "samples" / "photo.jpg"),
        "coffee": frame_to_tensor(clip.rgb),
        "astronaut": frame_to_tensor(data.astronaut()),
        "rocket": frame_to_tensor(data.rocket()),
    }


def cell(image: torch.Tensor, height: int) -> Image.Image:
    array = (image[0].permute(1, 2, 0).clamp(0, 1).numpy() * 255).round().astype(np.uint8)
    im = Image.fromarray(array)
    return im.resize((round(im.width * height / im.height), height), Image.LANCZOS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/quality-sheet"))
    parser.add_argument("--height", type=int, default=150, help="height of a cell in the sheet")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "images" / "quality_before_after.jpg")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    settings = {
        "before": vs.StyleOptions(steps=args.iterations, seed=0, **BEFORE),
        "after": vs.StyleOptions(steps=args.iterations, seed=0),
    }
    rows = []
    for cname, content in contents().items():
        row = [cell(content, args.height)]
        for style in STYLES:
            for label, options in settings.items():
                path = args.cache / f"{cname}_{Path(style).stem}_{label}_{args.size}_{args.iterations}.png"
                if not path.exists():
                    result = vs.stylize_image(content, [ROOT / "samples" / "styles" / style], options, size=args.size)
                    vs.write_image(result, path, overwrite=True)
                row.append(cell(vs.read_image(path), args.height))
        rows.append(row)
    styles = [cell(vs.read_image(ROOT / "samples" / "styles" / s), args.height) for s in STYLES]
    gap, head = 6, 18
    widths = [max(r[i].width for r in rows) for i in range(len(rows[0]))]
    pair_x = [sum(widths[:1]) + gap]
    for k in range(1, len(STYLES)):
        pair_x.append(pair_x[-1] + widths[2 * k - 1] + widths[2 * k] + gap)
    sheet_w = pair_x[-1] + widths[-2] + widths[-1]
    sheet = Image.new("RGB", (sheet_w, head + (len(rows) + 1) * (args.height + gap)), "white")
    draw = ImageDraw.Draw(sheet)
    for k, (x, style) in enumerate(zip(pair_x, styles)):
        sheet.paste(style, (x, head))
        draw.text((x, 3), f"{STYLES[k].split('.')[0]}: before | after", fill="black")
    for r, row in enumerate(rows, start=1):
        y = head + r * (args.height + gap)
        sheet.paste(row[0], (0, y))
        for k, x in enumerate(pair_x):
            sheet.paste(row[1 + 2 * k], (x, y))
            sheet.paste(row[2 + 2 * k], (x + widths[1 + 2 * k], y))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(args.output, quality=75, optimize=True)
    print(f"wrote {args.output} ({args.size} px, {args.iterations} iterations)")


if __name__ == "__main__":
    main()
