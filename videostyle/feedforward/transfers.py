"""Host<->device copies of frame batches that never stall the caller's thread.

On CUDA, uploads and downloads run non_blocking from pinned memory on side streams of the job's own
device (cuda:N, not whatever device is current), so the copy engines overlap the network's kernels;
a download records an event on its stream that the encode thread waits on. On other devices (the
CPU; the meta device in tests) the same calls are plain copies.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class HostBatch:
    """Finished frames as one (N, H, W, 3) uint8 tensor on the host and whether they were all finite;
    both valid once ``wait`` returns."""

    pixels: torch.Tensor
    finite: torch.Tensor
    ready: torch.cuda.Event | None = None

    def wait(self) -> None:
        if self.ready is not None:
            self.ready.synchronize()


class Transfers:
    """Copies of one job's batches to and from ``device``."""

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self.pin = device.type == "cuda"
        if self.pin:
            self.upload_stream = torch.cuda.Stream(device)
            self.download_stream = torch.cuda.Stream(device)

    def upload(self, host: torch.Tensor) -> torch.Tensor:
        """``host`` on the device; on CUDA the copy runs on the upload stream and the compute stream waits for it."""
        if not self.pin:
            return host.to(self.device)
        compute = torch.cuda.current_stream(self.device)
        host = host if host.is_pinned() else host.pin_memory()
        with torch.cuda.stream(self.upload_stream):
            moved = host.to(self.device, non_blocking=True)
        compute.wait_stream(self.upload_stream)
        moved.record_stream(compute)  # the caching allocator must not reuse it before compute is done
        return moved

    def download(self, pixels: torch.Tensor, finite: torch.Tensor) -> HostBatch:
        """Start copying a batch and its finite flag back to (pinned) host memory without waiting for it."""
        if not self.pin:
            return HostBatch(pixels.cpu(), finite.cpu())
        self.download_stream.wait_stream(torch.cuda.current_stream(self.device))
        host = torch.empty(pixels.shape, dtype=pixels.dtype, pin_memory=True)
        flag = torch.empty((), dtype=torch.bool, pin_memory=True)
        with torch.cuda.stream(self.download_stream):
            host.copy_(pixels, non_blocking=True)
            flag.copy_(finite, non_blocking=True)
            ready = torch.cuda.Event()
            ready.record(self.download_stream)
        pixels.record_stream(self.download_stream)
        finite.record_stream(self.download_stream)
        return HostBatch(host, flag, ready)
