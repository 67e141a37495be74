"""Image parameterizations: what the optimizer actually changes to produce an image.

Every parameterization is a module whose forward returns an RGB image in [0,1], NCHW, and whose
``project`` restores validity after an optimizer step. Pixels are the plain choice; others (a
decorrelated Fourier basis, say) plug into the same loop.
"""

from __future__ import annotations

import torch
from torch import nn


class ImageParam(nn.Module):
    """Base class for parameterizations."""

    def forward(self) -> torch.Tensor:  # pragma: no cover - abstract
        raise NotImplementedError

    @torch.no_grad()
    def project(self) -> None:
        """Called after each optimizer step; default: nothing to restore."""


class PixelImage(ImageParam):
    """The pixels themselves, clipped back into [0,1] after each step."""

    def __init__(self, init: torch.Tensor) -> None:
        super().__init__()
        # contiguous: L-BFGS views the gradient flat, and decoded video frames arrive channels-last
        self.pixels = nn.Parameter(init.detach().clone(memory_format=torch.contiguous_format).clamp_(0, 1))

    def forward(self) -> torch.Tensor:
        return self.pixels

    @torch.no_grad()
    def project(self) -> None:
        self.pixels.clamp_(0, 1)


# Square root of the color covariance of ImageNet photos (from Olah et al.'s Lucid), columns scaled to
# unit max norm: multiplying by it turns independent channels into natural color combinations.
_COLOR_SQRT = torch.tensor([[0.26, 0.09, 0.02], [0.27, 0.00, -0.05], [0.27, -0.09, 0.03]])
_COLOR_SQRT = _COLOR_SQRT / _COLOR_SQRT.norm(dim=0).max()


class FourierImage(ImageParam):
    """An image parameterized by its 2-D spectrum, scaled by 1/frequency^decay, in decorrelated colors.

    Gradient steps on pixels favor high frequencies, which is why plain activation maximization makes
    noise; in this basis every frequency band moves at a rate matched to natural images (Olah et al.
    2017), and the decorrelated colors keep channels from drifting apart. A sigmoid keeps pixels in [0,1].
    """

    def __init__(
        self,
        size: tuple[int, int],
        init: torch.Tensor | None = None,
        sd: float = 0.01,
        decay_power: float = 1.0,
        decorrelate: bool = True,
        generator: torch.Generator | None = None,
    ) -> None:
        super().__init__()
        h, w = size
        fy = torch.fft.fftfreq(h)[:, None]
        fx = torch.fft.rfftfreq(w)[None, :]
        freq = (fx**2 + fy**2).sqrt().clamp_min(1.0 / max(h, w))
        scale = freq.pow(-decay_power) / 4  # per-frequency rate (ortho FFT: no size factor); /4 keeps it gentle
        self.register_buffer("scale", scale)
        self.register_buffer("colors", _COLOR_SQRT.clone() if decorrelate else torch.eye(3))
        self.size = (h, w)
        if init is None:
            spectrum = torch.randn(1, 3, h, w // 2 + 1, 2, generator=generator) * sd
        else:
            spectrum = self._spectrum_of(init.detach().float().cpu())
        self.spectrum = nn.Parameter(spectrum)

    def _spectrum_of(self, image: torch.Tensor) -> torch.Tensor:
        """Invert forward(): the parameters that reproduce ``image`` (clamped away from 0 and 1)."""
        logits = torch.logit(image.clamp(1e-3, 1 - 1e-3))
        channels = torch.einsum("ij,njhw->nihw", torch.linalg.inv(self.colors), logits)
        coeffs = torch.fft.rfft2(channels, norm="ortho") / self.scale
        return torch.view_as_real(coeffs).contiguous()

    def forward(self) -> torch.Tensor:
        coeffs = torch.view_as_complex(self.spectrum) * self.scale
        channels = torch.fft.irfft2(coeffs, s=self.size, norm="ortho")
        return torch.sigmoid(torch.einsum("ij,njhw->nihw", self.colors, channels))


class RatedPixelImage(ImageParam):
    """Pixels that move at their own rate: ``base + rate * offset``, the optimizer changing ``offset``.

    Adam's steps are about the learning rate whatever the gradient's size, so scaling gradients cannot
    slow some pixels down; scaling the parameterization can. A warm-started video frame uses it to let
    pixels carried over reliably from the previous frame settle slowly while newly visible ones move freely.
    """

    def __init__(self, init: torch.Tensor, rate: torch.Tensor) -> None:
        super().__init__()
        self.register_buffer("base", init.detach().clamp(0, 1).contiguous())
        self.register_buffer("rate", rate.detach().clamp(1e-3, 1))
        self.offset = nn.Parameter(torch.zeros_like(self.base))  # contiguous: L-BFGS flattens gradients

    def forward(self) -> torch.Tensor:
        return self.base + self.rate * self.offset

    @torch.no_grad()
    def project(self) -> None:
        self.offset.copy_((self.forward().clamp(0, 1) - self.base) / self.rate)
