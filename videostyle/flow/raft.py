"""RAFT optical flow (Teed & Deng 2020) from torchvision, on the stylization device.

Used only when its weights are on this machine (``--flow-weights FILE`` or the torch hub cache): the
flow estimator never downloads. The small model is the fast presets, the large one ``medium``.
"""

from __future__ import annotations

import os

import torch
import torch.nn.functional as F
from torchvision.models import optical_flow

from ..backbones.weights import hub_checkpoint_path, load_into, load_state_dict
from ..errors import WeightsError
from .estimator import FlowEstimator

MIN_SIDE = 128  # RAFT's feature maps are 1/8 of the input and its 4-level pyramid needs 16 of them

# preset -> (model builder, weights entry, refinement iterations)
_PRESETS = {
    "ultrafast": (optical_flow.raft_small, optical_flow.Raft_Small_Weights.DEFAULT, 6),
    "fast": (optical_flow.raft_small, optical_flow.Raft_Small_Weights.DEFAULT, 12),
    "medium": (optical_flow.raft_large, optical_flow.Raft_Large_Weights.DEFAULT, 12),
}


def raft_weights_file(preset: str, explicit: str | os.PathLike | None) -> str | os.PathLike:
    """The local state dict for ``preset``: the explicit file, else the torch hub cache, else a WeightsError."""
    if explicit is not None:
        return explicit
    _, entry, _ = _PRESETS[preset]
    cached = hub_checkpoint_path(entry.url)
    if not cached.is_file():
        raise WeightsError(
            f"--flow raft needs {cached.name} (from {entry.url}) at {cached} or --flow-weights FILE; "
            "or use --flow dis, which needs no weights"
        )
    return cached


class RaftFlow(FlowEstimator):
    """torchvision RAFT in eval mode; both directions run as one batch of two."""

    name = "raft"

    def __init__(self, preset: str, device: torch.device, weights: str | os.PathLike | None = None) -> None:
        build, _, self.updates = _PRESETS[preset]
        self.preset = preset
        self.model = build(weights=None, progress=False)
        load_into(self.model, load_state_dict(raft_weights_file(preset, weights)), f"raft ({preset})")
        self.model.eval().requires_grad_(False).to(device)
        self.device = device  # where it wants its inputs

    def estimate(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """Flow a -> b for batches: inputs in [-1, 1], padded to a multiple of 8, the last refinement kept.

        RAFT's correlation pyramid needs at least 128 px a side: smaller frames are upscaled for it and
        the flow scaled back.
        """
        h, w = a.shape[-2:]
        scale = max(1.0, MIN_SIDE / min(h, w))
        if scale > 1:
            size = (round(h * scale), round(w * scale))
            a, b = (F.interpolate(x, size=size, mode="bilinear", align_corners=False) for x in (a, b))
        sh, sw = a.shape[-2:]
        pad = (0, -sw % 8, 0, -sh % 8)
        a, b = (F.pad(x * 2 - 1, pad, mode="replicate") for x in (a, b))
        flow = self.model(a.float(), b.float(), num_flow_updates=self.updates)[-1][..., :sh, :sw]
        if scale > 1:
            flow = F.interpolate(flow, size=(h, w), mode="bilinear", align_corners=False)
            flow = torch.cat((flow[:, :1] * (w / sw), flow[:, 1:] * (h / sh)), dim=1)
        return flow.contiguous()

    def both(self, a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        flows = self(torch.cat([a, b]), torch.cat([b, a]))
        return flows[: a.shape[0]], flows[a.shape[0] :]
