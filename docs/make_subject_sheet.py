"""Before/after sheet of issue 25 from the rows that ``bench/bench_subject.py --save FOLDER`` wrote.

    python bench/bench_subject.py --clips pale_horse,cat,astronaut,rocket,sample --stills photo,coffee \\
        --setting option:palette=linear,structure_weight=0 --setting default --setting arbitrary --save out/subject
    python docs/make_subject_sheet.py out/subject docs/images/subject_before_after.jpg \\
        --rows pale_horse,astronaut,rocket,sample --labels "input,before,after,builtin:arbitrary --stabilize"

Each row is one input's middle frame and that frame under each setting; the rows are scaled to one
width, stacked under a strip of labels and written as a JPEG.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image, ImageDraw


def sheet(folder: Path, rows: list[str], labels: list[str], width: int) -> Image.Image:
    images = [Image.open(folder / f"{name}.png").convert("RGB") for name in rows]
    images = [im.resize((width, round(im.height * width / im.width)), Image.LANCZOS) for im in images]
    strip = 16
    out = Image.new("RGB", (width, strip + sum(im.height for im in images)), "white")
    draw = ImageDraw.Draw(out)
    for k, label in enumerate(labels):
        draw.text((k * width // len(labels) + 4, 2), label, fill="black")
    top = strip
    for im in images:
        out.paste(im, (0, top))
        top += im.height
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--rows", required=True, help="comma-separated input names (the PNG files' stems)")
    parser.add_argument("--labels", required=True, help="comma-separated column labels")
    parser.add_argument("--width", type=int, default=960)
    args = parser.parse_args()
    image = sheet(args.folder, args.rows.split(","), args.labels.split(","), args.width)
    partial = args.target.with_name(args.target.name + ".partial.jpg")
    image.save(partial, quality=85)
    partial.replace(args.target)


if __name__ == "__main__":
    main()
