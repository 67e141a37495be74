"""Run a trained style network on batches of images or raw video frames, fast on the GPU.

On CUDA the network runs under autocast (bf16 by default where the GPU has it, else fp16), on the CPU in
bf16 (weights cast once) where the CPU has bf16 matrix units and in fp32 elsewhere, all in channels_last memory
format, optionally compiled with torch.compile (on the CPU otherwise traced, see ``traced``); frames cross to
the device as uint8 and come back as uint8 (4x less traffic than float), with the conversions done on the device.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from contextlib import nullcontext

import torch
from torch import nn

from .. import compiling
from ..resize import resize
from ..color import join_chroma
from .inference_options import InferenceOptions
from .traced import TracedForward, traceable


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
        # On the CPU, a half network runs in its own dtype (a cast copy: the caller's network is not
        # touched) instead of under autocast: CPU autocast keeps group_norm in fp32, so every norm wrote
        # an fp32 copy of the activation that the next pad and convolution cast back (2.2x the time of
        # the bf16 network, same output). Parts that need fp32 (MicroAST's AdaIN) cast for themselves.
        self.autocast = self.dtype != torch.float32 and device.type != "cpu"
        self._style_network = network  # style images are encoded by the fp32 network (see encode_style)
        if self.dtype != torch.float32 and not self.autocast:
            network = copy.deepcopy(network).to(self.dtype)
        self.network = network.eval().requires_grad_(False).to(device, memory_format=self.memory_format)
        self.style = style.to(device)
        self.compiled = options.compile
        self._forward = compiling.network(self.network, options.compile, static=True)
        if device.type == "cpu" and not options.compile and traceable(self.network):
            self._forward = TracedForward(self.network)  # the same output, fewer Python calls a frame (see traced)
        self._largest_batch = 0  # compiled: a short last batch is padded to this, so nothing recompiles

    @property
    def encode_style(self) -> Callable[[torch.Tensor], torch.Tensor] | None:
        """The network's style encoder (style images -> style codes), None for a network without one.

        In fp32 even when the network runs in bf16 on the CPU: style keyframes are encoded as the ``-s``
        images are, before the cast (a bf16 network given fp32 images would refuse them)."""
        return getattr(self._style_network, "encode_style", None)

    @torch.inference_mode()
    def images(self, images: torch.Tensor) -> torch.Tensor:
        """(N, 3, H, W) float in [0, 1] on the device -> stylized, same shape, float32."""
        n = images.shape[0]
        style = self.style  # (1, D), or one row per image (style keyframes)
        if self.compiled:
            self._largest_batch = max(self._largest_batch, n)
            images = torch.cat([images, images[-1:].expand(self._largest_batch - n, -1, -1, -1)])
            style = style if style.shape[0] == 1 else torch.cat([style, style[-1:].expand(self._largest_batch - n, -1)])
        x = (images if self.autocast else images.to(self.dtype)).contiguous(memory_format=self.memory_format)
        with torch.autocast(self.device.type, dtype=self.dtype) if self.autocast else nullcontext():
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
