"""Regenerate the README's style-transfer gallery from samples/ (CPU, a few minutes).

    python tools/stylize_gallery.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

import videostyle as vs

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
STYLES = ("stained_glass", "brush_strokes", "ink_rings")


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    content = vs.read_image(ROOT / "samples" / "photo.jpg")
    for name in STYLES:
        style = ROOT / "samples" / "styles" / f"{name}.png"
        result = vs.stylize_image(content, [style], vs.StyleOptions(steps=200), size=320)
        vs.write_image(result, IMAGES / f"stylize_cat_{name}.jpg", overwrite=True)
        Image.open(style).convert("RGB").resize((160, 160), Image.LANCZOS).save(IMAGES / f"style_{name}.jpg", quality=88)


if __name__ == "__main__":
    main()
