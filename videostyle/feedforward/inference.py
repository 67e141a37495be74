"""Run a trained style network on batches of images or raw video frames, fast on the GPU.

On CUDA the network runs under autocast (fp16 by default, bf16 on request), on the CPU under bf16
autocast where the CPU has bf16 matrix units and in fp32 elsewhere, all in channels_last memory
format, optionally compiled with torch.compile; frames cross to the device as uint8 and come back
as uint8 (4x less traffic than float), with the conversions done on the device.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from ..errors import OptionError, UsageError
from ..resize import resize
from ..color import join_chroma
from .model_file import ModelInfo, load_model
from .network import style_weights

PRECISIONS = ("auto", "fp32", "fp16", "bf16")
_DTYPES = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}


@dataclass(frozen=True)
class InferenceOptions:
    """How a model is applied: which style (or blend), batch size, precision and video stabilization."""

    style_index: int | None = None
    style_mix: tuple[float, ...] | None = None
    batch_size: int | None = None  # None: 8 frames on CUDA, 1 elsewhere
    precision: str = "auto"  # auto: fp16 on CUDA, bf16 on a CPU with bf16 matrix units (AMX), else fp32
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
        if self.precision not in PRECISIONS:
            raise OptionError(f"--precision must be one of {', '.join(PRECISIONS)}, not {self.precision!r}")
        if not (math.isfinite(self.stabilize_strength) and 0 <= self.stabilize_strength < 1):
            raise OptionError(f"stabilize strength {self.stabilize_strength} is out of range [0, 1)")

    def frames_per_batch(self, device: torch.device) -> int:
        return self.batch_size or (8 if device.type == "cuda" else 1)

    def dtype(self, device: torch.device) -> torch.dtype:
        if self.precision == "auto":
            if device.type == "cuda":
                return torch.float16
            return torch.bfloat16 if device.type == "cpu" and cpu_has_bf16_units() else torch.float32
        return _DTYPES[self.precision]


def cpu_has_bf16_units() -> bool:
    """Whether the CPU multiplies bf16 matrices in hardware (Intel AMX): there bf16 autocast ran the
    built-in networks 1.3-1.6x faster and moved pixels by under 1/255 on average (2.7/255 for
    MicroAST); elsewhere bf16 is emulated and slower than fp32."""
    probe = getattr(torch.cpu, "_is_amx_tile_supported", None)
    return bool(probe and probe())


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
        network, info = load_model(path, device)
        style = style_weights(info.config.styles, options.style_index, options.style_mix)
        return cls(network, style, device, options), info

    @torch.inference_mode()
    def images(self, images: torch.Tensor) -> torch.Tensor:
        """(N, 3, H, W) float in [0, 1] on the device -> stylized, same shape, float32."""
        n = images.shape[0]
        if self.compiled:
            self._largest_batch = max(self._largest_batch, n)
            images = torch.cat([images, images[-1:].expand(self._largest_batch - n, -1, -1, -1)])
        x = images.contiguous(memory_format=self.memory_format)
        with torch.autocast(self.device.type, dtype=self.dtype, enabled=self.dtype != torch.float32):
            out = self._forward(x, self.style)
        out = out[:n].float().clamp_(0, 1)
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
