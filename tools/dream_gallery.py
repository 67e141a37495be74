"""Regenerate the README's DeepDream pictures from samples/photo.jpg (CPU, about two minutes).

    python tools/dream_gallery.py

Writes docs/images/dream_layers.jpg (one dream per layer of EfficientNet-Lite0, same settings, so
the sheet shows what each depth hallucinates), dream_cat.jpg (the defaults), dream_targets.jpg (a
channel, a class and a guide image) and dream_zoom.jpg (frames of a zoom loop). Seeds are fixed.
"""

from __future__ import annotations

from pathlib import Path

import torch
from PIL import Image

from videostyle.backbones import load_backbone
from videostyle.dream import DreamOptions, Dreamer, Motion, iter_zoom_loop, parse_schedule
from videostyle.media import frame_to_tensor, read_image, tensor_to_frame
from videostyle.progress import drain
from videostyle.resize import resize_long_side
from videostyle.video import FrameList
from videostyle.visualize import contact_sheet

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
LAYERS = ("block3", "block5", "block7", "block8", "block10", "block12", "block14", "head")


def save(image: torch.Tensor, name: str) -> None:
    Image.fromarray(tensor_to_frame(image)).save(IMAGES / name, quality=85)


def main() -> None:
    torch.set_num_threads(min(4, torch.get_num_threads()))
    IMAGES.mkdir(parents=True, exist_ok=True)
    backbone = load_backbone()
    photo = read_image(ROOT / "samples" / "photo.jpg")

    def dream(size: int, guide: torch.Tensor | None = None, **options: object) -> torch.Tensor:
        dreamer = Dreamer(DreamOptions(seed=0, **options), "cpu", guide=guide, backbone=backbone)  # type: ignore[arg-type]
        return drain(dreamer.run(resize_long_side(photo, size)))

    small = [dream(224, layers=((layer, 1.0),)) for layer in LAYERS]
    save(contact_sheet([resize_long_side(photo, 224), *small], ["input", *LAYERS], columns=3), "dream_layers.jpg")
    save(dream(448), "dream_cat.jpg")

    targets = {
        "--channel block10:42": dream(256, channels=(("block10", 42),)),
        "--class goldfish": dream(256, class_name="goldfish"),
        "--class 'tree frog'": dream(256, class_name="tree frog"),
        "--guide ink_rings.png": dream(256, guide=read_image(ROOT / "samples" / "styles" / "ink_rings.png")),
    }
    save(contact_sheet(list(targets.values()), list(targets), columns=4), "dream_targets.jpg")

    loop = FrameList()
    motion = Motion(zoom=parse_schedule("1.04"), rotate=parse_schedule("0.5"))
    zoomer = Dreamer(DreamOptions(octaves=2, steps=10, seed=0), "cpu", backbone=backbone)
    drain(iter_zoom_loop(resize_long_side(photo, 224), zoomer, motion, 25, loop))
    frames = [frame_to_tensor(f.rgb) for f in loop.frames]
    picks = [0, 6, 12, 18, 24]
    save(contact_sheet([frames[i] for i in picks], [f"frame {i}" for i in picks], columns=5), "dream_zoom.jpg")


if __name__ == "__main__":
    main()
