"""High-resolution pictures of the README (issue 12): a 4096 px stylize in tiles beside a 1024 px one.

    python docs/make_highres.py [--cache /tmp/highres] [--steps 30]

Stylizes samples/photo.jpg with The Shipwreck at 1024 px (whole image, scales 512 and 1024) and at
4096 px (scales 512, 1024, then 2048 and 4096 in tiles of 1024 with whole-image style statistics),
the same options otherwise; each result is cached in --cache as photo_SIZE.png, so the 4096 px run
(about 40 min on two CPU cores) is done once. Writes docs/images/highres_compare.jpg (both, at the
same display size) and docs/images/highres_crop.jpg (a full-resolution crop of the 4096 px image
across tile edges, beside the same region of the 1024 px image enlarged 4x).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch
from PIL import Image

import videostyle as vs
from videostyle.progress import drain

ROOT = Path(__file__).resolve().parent.parent
STYLE = ROOT / "samples" / "styles" / "shipwreck.jpg"
CROP = (1400, 700, 2424, 1468)  # left, top, right, bottom in the 4096 px image: the eyes, across tile edges


def render(size: int, scales: int, steps: int, cache: Path) -> Image.Image:
    path = cache / f"photo_{size}.png"
    if not path.exists():
        options = vs.StyleOptions(steps=steps, scales=scales)
        image = drain(vs.iter_stylize_image(vs.read_image(ROOT / "samples" / "photo.jpg"), [STYLE], options, size=size))
        vs.write_image(image, path)
    return Image.open(path).convert("RGB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/highres"))
    parser.add_argument("--steps", type=int, default=30)
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    small, large = render(1024, 2, args.steps, args.cache), render(4096, 4, args.steps, args.cache)

    width = 960
    height = round(small.height * width / small.width)
    sheet = Image.new("RGB", (2 * width + 8, height), "white")
    sheet.paste(small.resize((width, height), Image.LANCZOS), (0, 0))
    sheet.paste(large.resize((width, height), Image.LANCZOS), (width + 8, 0))
    sheet.save(ROOT / "docs" / "images" / "highres_compare.jpg", quality=88)

    crop = large.crop(CROP)
    scale = small.width / large.width
    enlarged = small.crop(tuple(round(v * scale) for v in CROP)).resize(crop.size, Image.BICUBIC)
    pair = Image.new("RGB", (2 * crop.width + 8, crop.height), "white")
    pair.paste(enlarged, (0, 0))
    pair.paste(crop, (crop.width + 8, 0))
    pair.save(ROOT / "docs" / "images" / "highres_crop.jpg", quality=85)


if __name__ == "__main__":
    main()
