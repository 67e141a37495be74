"""How a trained network is applied (which style or blend, batch size, precision, stabilization): its options.

Kept apart from the inference code so the command line reads them without loading torch.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import shared_options as shared
from ..errors import OptionError
from ..spec import check, option, split_text

if TYPE_CHECKING:
    import torch

MAX_CUDA_BATCH = 8
CUDA_BATCH_PIXELS = 8 * 1920 * 1080
"""Frames per CUDA batch are sized from their area: activations take about 0.7 KB a pixel (8 frames at
4K needed about 44 GiB), so 8 frames of 1080p (about 11 GiB) is the budget: 2 frames a batch at 4K."""


@dataclass(frozen=True)
class InferenceOptions:
    """How a model is applied: which style (or blend), batch size, precision and video stabilization."""

    style_index: int | None = option(None, "--model: which of its styles.", lo=0)
    style_mix: tuple[float, ...] | None = option(
        None, "--model: blend of its styles, e.g. 0.5,0.5.", text=split_text(float), lo=0, metavar="W,W"
    )
    batch_size: int | None = option(None, "--model: frames per batch (default: sized from the frame area on CUDA, 1 elsewhere).",
                                    lo=1, hi=256)
    precision: str = option("auto", spec=shared.PRECISION)
    compile: bool = option(False, spec=shared.COMPILE)
    stabilize: bool = option(False, "--model: blend in the previous frame along optical flow.", media="video-in")
    # 0.7 left the built-in arbitrary network at 5.2x the input's E_warp, 0.8 at 4.1x
    stabilize_strength: float = option(
        0.8, "--stabilize: weight of the warped previous frame.", lo=0, hi=0.99, media="video-in"
    )
    flow: str = option("dis", spec=shared.FLOW)  # --stabilize: optical flow method, preset and (RAFT) weights file
    flow_preset: str = option("medium", spec=shared.FLOW_PRESET)
    flow_weights: Path | None = option(None, spec=shared.FLOW_WEIGHTS)
    # networks that take any style (builtin:arbitrary, AdaIN decoders): the style images (the command's -s)
    style_images: tuple[Path, ...] = ()
    style_weights: tuple[float, ...] | None = option(None, spec=shared.STYLE_WEIGHTS)  # one per style image; None: equal
    alpha: float = option(1.0, "--model with -s: style strength, 0 = the content's own style.", lo=0, hi=1)
    preserve_color: bool = option(False, spec=shared.PRESERVE_COLOR)  # keep the content's chroma (any model)

    def __post_init__(self) -> None:
        check(self)
        if self.style_weights is not None and len(self.style_weights) != len(self.style_images):
            raise OptionError(f"--style-weights has {len(self.style_weights)} weights for {len(self.style_images)} style image(s)")
        from ..precision import check_precision

        check_precision(self.precision, gradients=False)

    def frames_per_batch(self, device: torch.device, size: tuple[int, int] = (1080, 1920)) -> int:
        """``batch_size``, else on CUDA as many frames of ``size`` (h, w) as fit ``CUDA_BATCH_PIXELS``, else 1."""
        if self.batch_size:
            return self.batch_size
        if device.type != "cuda":
            return 1
        return max(1, min(MAX_CUDA_BATCH, CUDA_BATCH_PIXELS // (size[0] * size[1])))

    def dtype(self, device: torch.device) -> torch.dtype:
        """auto: bf16 on CUDA where the GPU has it (fp32's range: no overflow to infinity), else fp16; on the CPU
        bf16 where it has bf16 matrix units, else fp32."""
        from ..precision import compute_dtype

        return compute_dtype(self.precision, device, gradients=False)
