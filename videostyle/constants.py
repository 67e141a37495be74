"""Fixed tensors (color matrices, filter kernels) copied to a device once, not at every use.

``matrix.to(image)`` on a CUDA image is a blocking host-to-device copy: inside an optimization step
or a frame loop it stalls the GPU's queue every time. A ``Constant`` keeps one copy per device and
dtype and hands it out again.
"""

from __future__ import annotations

import torch


class Constant:
    """A CPU tensor whose device copies are made once per (device, dtype) and then reused."""

    def __init__(self, value: torch.Tensor) -> None:
        self.value = value
        self._copies: dict[tuple[torch.device, torch.dtype], torch.Tensor] = {}

    def like(self, tensor: torch.Tensor) -> torch.Tensor:
        """The constant on ``tensor``'s device in its dtype (read-only: it is shared)."""
        key = (tensor.device, tensor.dtype)
        copy = self._copies.get(key)
        if copy is None:
            with torch.inference_mode(False), torch.no_grad():  # usable later in autograd, whatever mode made it
                copy = self._copies[key] = self.value.to(device=tensor.device, dtype=tensor.dtype, copy=True)
        return copy
