"""Scene cuts of a whole video, found before any work: where a chunk of a split render starts for free.

The same two tests as the temporal priors use (flow consistency and color histograms, flow.scene_cut),
on frames shrunk to ``long_side`` pixels, so a scan costs a decode and little more.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch

from ..flow import FlowOptions, carry
from ..media import Frame, frame_to_tensor
from ..resize import fit_size, resize

SCAN_SIDE = 160


def scene_cuts(frames: Iterable[Frame], long_side: int = SCAN_SIDE) -> list[int]:
    """Indices of the frames that start a new shot (never 0)."""
    estimator = FlowOptions().estimator(torch.device("cpu"))
    cuts, previous = [], None
    for index, frame in enumerate(frames):
        image = frame_to_tensor(frame.rgb, "cpu")
        current = resize(image, fit_size(*image.shape[-2:], long_side))
        if previous is not None and carry(estimator, current, previous).is_cut(previous, current):
            cuts.append(index)
        previous = current
    return cuts
