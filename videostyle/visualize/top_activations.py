"""The image patches of a folder that excite one unit most, with their deconvnet projections.

Zeiler & Fergus (2014) show, for a feature map, the nine strongest activations over a dataset: the
patch of each image that the unit sees (its receptive field around the maximum) beside the
deconvnet projection of that single activation, which shows which pixels of the patch drove it.
The patch is where the deconvnet projection is non-zero, so it follows the unit's receptive field.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path

import torch

from ..backbones import Backbone
from ..errors import InputError, OptionError
from ..media import IMAGE_EXTS, read_image
from ..objectives import Neuron
from ..optim import Box
from ..progress import FrameProgress
from ..resize import resize_long_side
from .grid import contact_sheet
from .saliency import attribute, gradient_image

MIN_PATCH = 8


@dataclass(frozen=True)
class TopActivation:
    """One of the strongest activations: where it was, how strong, what the unit saw and why."""

    path: Path
    value: float
    position: tuple[int, int]  # (y, x) in the feature map
    box: Box  # (y0, y1, x0, x1) in the working image
    patch: torch.Tensor
    projection: torch.Tensor


def image_files(folder: str | os.PathLike) -> list[Path]:
    """The images directly inside ``folder``, sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder of images")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_EXTS)
    if not files:
        raise InputError(f"{folder} holds no images ({' '.join(sorted(IMAGE_EXTS))})")
    return files


def support_box(projection: torch.Tensor, threshold: float = 1e-3) -> Box:
    """Bounding box of the pixels where |projection| exceeds ``threshold`` x its maximum (at least MIN_PATCH)."""
    magnitude = projection.abs().sum(dim=1)[0]
    h, w = magnitude.shape
    rows, cols = torch.nonzero(magnitude > threshold * magnitude.max().clamp_min(1e-30), as_tuple=True)
    if rows.numel() == 0:
        return 0, h, 0, w
    y0, y1, x0, x1 = int(rows.min()), int(rows.max()) + 1, int(cols.min()), int(cols.max()) + 1
    grow_y, grow_x = max(0, MIN_PATCH - (y1 - y0)), max(0, MIN_PATCH - (x1 - x0))
    y0, x0 = max(0, y0 - grow_y // 2), max(0, x0 - grow_x // 2)
    return y0, min(h, max(y1, y0 + MIN_PATCH)), x0, min(w, max(x1, x0 + MIN_PATCH))


def _load(path: Path, size: int, device: torch.device) -> torch.Tensor:
    return resize_long_side(read_image(path), size).to(device)


def top_activations(
    backbone: Backbone,
    folder: str | os.PathLike,
    layer: str,
    channel: int,
    count: int = 9,
    size: int = 224,
    method: str = "deconvnet",
) -> Generator[FrameProgress, None, list[TopActivation]]:
    """Scan every image of ``folder`` (long side ``size``) and return the ``count`` strongest, strongest first.

    Each image contributes its single strongest position, as in Zeiler & Fergus's figures. The
    projection uses ``method``'s backward rule (deconvnet as in the paper; guided shows more of the
    image on networks whose deconvnet is dominated by the weights). Yields FrameProgress per image.
    """
    files = image_files(folder)
    shape = backbone.layer_shapes(64)[backbone.check_layers([layer])[0]]
    if len(shape) != 3:
        raise OptionError(f"{layer} has no feature maps; choose a convolutional layer")
    if not 0 <= channel < shape[0]:
        raise OptionError(f"{layer} has channels 0..{shape[0] - 1}, not {channel}")
    device = backbone.normalize.mean.device
    net = backbone.truncated([layer])
    best: list[tuple[float, int, int, int]] = []  # min-heap of (value, file index, y, x)
    for i, path in enumerate(files):
        with torch.no_grad():
            fmap = net(_load(path, size, device), [layer])[layer][0, channel]
        flat = int(fmap.argmax())
        entry = (float(fmap.flatten()[flat]), i, flat // fmap.shape[1], flat % fmap.shape[1])
        if len(best) < count:
            heapq.heappush(best, entry)
        else:
            heapq.heappushpop(best, entry)
        yield FrameProgress(i + 1, len(files))
    results = []
    for value, i, y, x in sorted(best, reverse=True):
        image = _load(files[i], size, device)
        unit = Neuron(layer, channel, y, x)
        field = attribute(net, image, unit, "deconvnet")  # no forward masks: the unit's whole field
        projection = field if method == "deconvnet" else attribute(net, image, unit, method)
        y0, y1, x0, x1 = support_box(field)
        results.append(
            TopActivation(
                files[i], value, (y, x), (y0, y1, x0, x1), image[..., y0:y1, x0:x1].cpu(),
                gradient_image(projection[..., y0:y1, x0:x1]).cpu(),
            )
        )
    return results


def top_activations_figure(found: list[TopActivation], cell: int = 96) -> torch.Tensor:
    """The Zeiler & Fergus figure: the projections in a grid on the left, the patches on the right."""
    columns = max(1, round(len(found) ** 0.5))
    patches = contact_sheet([a.patch for a in found], columns=columns, cell=(cell, cell), background=0.0)
    projections = contact_sheet([a.projection for a in found], columns=columns, cell=(cell, cell), background=0.0)
    return torch.cat([projections, patches[..., 4:]], dim=3)
