"""Run a trained style network on batches of images or raw video frames, fast on the GPU.

On CUDA the network runs under autocast (bf16 by default where the GPU has it, else fp16), on the CPU under bf16
autocast where the CPU has bf16 matrix units and in fp32 elsewhere, all in channels_last memory
format, optionally compiled with torch.compile; frames cross to the device as uint8 and come back
as uint8 (4x less traffic than float), with the conversions done on the device.
"""

from __future__ import annotations

import math
import os
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from ..errors import OptionError, UsageError
from ..precision import check_precision, compute_dtype
from ..resize import resize
from ..color import join_chroma
from .model_file import ModelInfo, load_model
from .network import style_weights

MAX_CUDA_BATCH = 8
CUDA_BATCH_PIXELS = 8 * 1920 * 1080
"""Frames per CUDA batch are sized from their area: activations take about 0.7 KB a pixel (8 frames at
4K needed about 44 GiB), so 8 frames of 1080p (about 11 GiB) is the budget: 2 frames a batch at 4K."""


@dataclass(frozen=True)
class InferenceOptions:
    """How a model is applied: which style (or blend), batch size, precision and video stabilization."""

    style_index: int | None = None
    style_mix: tuple[float, ...] | None = None
    batch_size: int | None = None  # None: sized from the frame area on CUDA, 1 elsewhere
    precision: str = "auto"  # auto: bf16 (or fp16) on CUDA, bf16 on a CPU with bf16 matrix units (AMX), else fp32
    compile: bool = False
    stabilize: bool = False
    stabilize_strength: float = 0.8  # 0.7 left the built-in arbitrary network at 5.2x the input's E_warp, 0.8 at 4.1x
    flow: str = "dis"  # --stabilize: optical flow method, preset and (RAFT) weights file
    flow_preset: str = "medium"
    flow_weights: Path | None = None
    # networks that take any style (builtin:arbitrary, AdaIN decoders): the style images and how to use them
    style_images: tuple[Path, ...] = ()
    style_blend: tuple[float, ...] | None = None  # one weight per style image (normalized); None: equal
    alpha: float = 1.0  # 0: the content's own style, 1: the style images'
    preserve_color: bool = False  # keep the content's chroma (any model)

    def __post_init__(self) -> None:
        if not (math.isfinite(self.alpha) and 0 <= self.alpha <= 1):
            raise OptionError(f"--alpha {self.alpha} is out of range 0..1")
        if self.style_blend is not None and len(self.style_blend) != len(self.style_images):
            raise OptionError(f"--style-weights has {len(self.style_blend)} weights for {len(self.style_images)} style image(s)")
        if self.batch_size is not None and not 1 <= self.batch_size <= 256:
            raise OptionError(f"--batch-size {self.batch_size} is out of range 1..256")
        check_precision(self.precision, gradients=False)
        if not (math.isfinite(self.stabilize_strength) and 0 <= self.stabilize_strength < 1):
            raise OptionError(f"stabilize strength {self.stabilize_strength} is out of range [0, 1)")

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
        return compute_dtype(self.precision, device, gradients=False)


class FrameStylizer:
    """A loaded network with its style weights, ready to stylize batches on one device."""

    def __init__(
        self, network: nn.Module, style: torch.Tensor, device: torch.device, options: InferenceOptions = InferenceOptions()
    ) -> None:
        """``network(images, style)`` maps (N,3,H,W) in [0,1] to the same; ``style`` is its fixed second input."""
        self.device = device
        self.preserve_color = options.preserve_color
        self.dtype = options.dtype(device)
        # channels_last on the CPU too: oneDNN's convolutions then skip their layout reorders (the
        # any-style networks measured about 20% less CPU time per frame, the 26-style one the same)
        self.memory_format = torch.channels_last
        self.network = network.eval().requires_grad_(False).to(device, memory_format=self.memory_format)
        self.style = style.to(device)
        self.compiled = options.compile
        self._forward = torch.compile(self.network, dynamic=False) if options.compile else self.network
        self._largest_batch = 0  # compiled: a short last batch is padded to this, so nothing recompiles

    @classmethod
    def from_file(
        cls, path: str | os.PathLike, options: InferenceOptions, device: torch.device
    ) -> tuple[FrameStylizer, ModelInfo | None]:
        """A trained model file, an AdaIN decoder file or ``builtin:NAME`` (no ModelInfo for the latter two)."""
        from .arbitrary import special_stylizer  # imports this module

        special = special_stylizer(path, options, device)
        if special is not None:
            return special, None
        if options.style_images:
            raise UsageError("-s/--style does not apply to this model (its styles are built in); use --style-index or --style-mix")
        if options.alpha != 1.0:
            raise UsageError("--alpha does not apply to this model (its styles are built in); it is for networks that take -s")
        network, info = load_model(path, device)
        style = style_weights(info.config.styles, options.style_index, options.style_mix)
        return cls(network, style, device, options), info

    @torch.inference_mode()
    def images(self, images: torch.Tensor) -> torch.Tensor:
        """(N, 3, H, W) float in [0, 1] on the device -> stylized, same shape, float32."""
        n = images.shape[0]
        style = self.style  # (1, D), or one row per image (style keyframes)
        if self.compiled:
            self._largest_batch = max(self._largest_batch, n)
            images = torch.cat([images, images[-1:].expand(self._largest_batch - n, -1, -1, -1)])
            style = style if style.shape[0] == 1 else torch.cat([style, style[-1:].expand(self._largest_batch - n, -1)])
        x = images.contiguous(memory_format=self.memory_format)
        fp32 = self.dtype == torch.float32
        with nullcontext() if fp32 else torch.autocast(self.device.type, dtype=self.dtype):
            out = self._forward(x, style)
        nan = float("nan")  # infinities (an fp16 overflow) become NaN, which the clamp keeps and the finite check sees
        out = torch.nan_to_num(out[:n].float(), nan=nan, posinf=nan, neginf=nan).clamp_(0, 1)
        return join_chroma(out, images[:n].float()) if self.preserve_color else out

    @staticmethod
    def from_pixels(pixels: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
        """(N, H, W, 3) uint8 frames -> (N, 3, h, w) float images in [0, 1] at ``size``: the network's input.

        On the CPU the resize runs on the uint8 pixels (torch's vectorized channels-last uint8 path,
        about 5x faster than on floats, within one level of 255); CUDA has no uint8 resize.
        """
        images = pixels.permute(0, 3, 1, 2)
        if pixels.device.type == "cpu":
            return resize(images, size).float().div_(255)
        return resize(images.float().div_(255), size)
