"""A style sheet: one photo in every built-in style (and in a folder's styles via each any-style network).

Tiles are labeled with the ``--model`` value that reproduces them, so users can pick by looking.
"""

from __future__ import annotations

import math
import os
from collections.abc import Generator
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

from ..device import as_device
from ..errors import InputError
from ..media import IMAGE_EXTS, read_image, write_image
from ..media.atomic import check_writable
from ..progress import FrameProgress
from ..resize import fit_size, resize
from .arbitrary import ANY_STYLE_LOADERS, blended_style
from .builtin import ANY_STYLE, PREFIX, load_multistyle_network
from .builtin.magenta import STYLES_26
from .inference import FrameStylizer, InferenceOptions
from .johnson.network import style_weights

LABEL_HEIGHT = 16
GAP = 4


def iter_style_sheet(
    photo: str | os.PathLike,
    target: str | os.PathLike,
    styles: str | os.PathLike | None = None,
    cell: int = 256,
    columns: int = 7,
    device: torch.device | str = "auto",
    overwrite: bool = False,
) -> Generator[FrameProgress, None, Path]:
    """Write the sheet to ``target``, each picture ``cell`` pixels on its long side; yields one progress event per picture."""
    device = as_device(device)
    check_writable(target, overwrite)
    content = read_image(photo)
    content = resize(content, fit_size(*content.shape[-2:], cell)).to(device)
    style_files = _style_files(styles) if styles is not None else []
    total = 1 + STYLES_26 + len(ANY_STYLE) * len(style_files)
    tiles: list[tuple[str, torch.Tensor]] = [("original", content)]
    multistyle = FrameStylizer(load_multistyle_network(), style_weights(STYLES_26), device)
    for index in range(STYLES_26):
        multistyle.style = style_weights(STYLES_26, index).to(device)
        tiles.append((f"{PREFIX}{index}", multistyle.images(content)))
        yield FrameProgress(len(tiles), total)
    for name in ANY_STYLE if style_files else ():
        network = ANY_STYLE_LOADERS[name](1.0).to(device)
        for path in style_files:
            style = blended_style(network.encode_style, InferenceOptions(style_images=(path,)), device)
            tiles.append((f"{name}: {path.name}", FrameStylizer(network, style, device).images(content)))
            yield FrameProgress(len(tiles), total)
    write_image(_compose(tiles, columns), target, overwrite=overwrite)
    yield FrameProgress(total, total)
    return Path(target)


def _style_files(folder: str | os.PathLike) -> list[Path]:
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder of style images")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_EXTS)
    if not files:
        raise InputError(f"no images in {folder}")
    return files


def _compose(tiles: list[tuple[str, torch.Tensor]], columns: int) -> torch.Tensor:
    """A grid of labeled tiles on white, as a (1, 3, H, W) image."""
    h, w = tiles[0][1].shape[-2:]
    rows = math.ceil(len(tiles) / columns)
    sheet = Image.new("RGB", (columns * (w + GAP) + GAP, rows * (h + LABEL_HEIGHT + GAP) + GAP), "white")
    draw = ImageDraw.Draw(sheet)
    for n, (label, image) in enumerate(tiles):
        r, c = divmod(n, columns)
        x, y = GAP + c * (w + GAP), GAP + r * (h + LABEL_HEIGHT + GAP)
        pixels = (image[0].detach().float().cpu().clamp(0, 1).permute(1, 2, 0).numpy() * 255 + 0.5).astype(np.uint8)
        sheet.paste(Image.fromarray(pixels), (x, y + LABEL_HEIGHT))
        draw.text((x + 2, y + 2), label, fill="black")
    return torch.from_numpy(np.asarray(sheet, dtype=np.float32) / 255).permute(2, 0, 1)[None]
