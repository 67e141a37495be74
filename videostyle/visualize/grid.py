"""Contact sheets: many images (channels, classes, layers, methods) in one labeled picture."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont

from ..media import frame_to_tensor
from ..resize import resize

LABEL_HEIGHT = 16


def _label_strip(text: str, width: int, background: float) -> torch.Tensor:
    """A (1, 3, LABEL_HEIGHT, width) strip with ``text`` centered (cut to fit)."""
    shade = round(background * 255)
    strip = Image.new("RGB", (width, LABEL_HEIGHT), (shade,) * 3)
    draw = ImageDraw.Draw(strip)
    font = ImageFont.load_default(size=11)
    ink = (0, 0, 0) if background > 0.5 else (255, 255, 255)
    while text and draw.textlength(text, font=font) > width - 2:
        text = text[:-1]
    draw.text((width / 2, LABEL_HEIGHT / 2), text, fill=ink, font=font, anchor="mm")
    return frame_to_tensor(np.array(strip))


def contact_sheet(
    images: Sequence[torch.Tensor],
    labels: Sequence[str] | None = None,
    columns: int | None = None,
    cell: tuple[int, int] | None = None,
    pad: int = 4,
    background: float = 1.0,
) -> torch.Tensor:
    """Lay (1, 3, h, w) images out in a grid of ``cell``-sized cells (default: the first image's size),
    ``columns`` wide (default: about square), with an optional label under each. Returns (1, 3, H, W)."""
    if not images:
        raise ValueError("a contact sheet needs at least one image")
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"{len(labels)} labels for {len(images)} images")
    ch, cw = cell or tuple(images[0].shape[-2:])
    columns = columns or math.ceil(math.sqrt(len(images)))
    rows = math.ceil(len(images) / columns)
    label_h = LABEL_HEIGHT if labels else 0
    sheet = torch.full((1, 3, pad + rows * (ch + label_h + pad), pad + columns * (cw + pad)), background)
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        y, x = pad + r * (ch + label_h + pad), pad + c * (cw + pad)
        sheet[..., y : y + ch, x : x + cw] = resize(image.detach().float().cpu(), (ch, cw))
        if labels:
            sheet[..., y + ch : y + ch + label_h, x : x + cw] = _label_strip(labels[i], cw, background)
    return sheet


