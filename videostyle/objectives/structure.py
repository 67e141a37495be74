"""Luminance structure: keeps the content's shapes, whatever the tones and strokes painted over them (issue 25).

The content loss compares deep features, which barely register a pale subject on a pale ground; the
style loss then paints over it and the subject dissolves. This term compares the *local correlation*
of the blurred luminance of the image and of the content (the structure part of SSIM, Wang et al.
2004): 1 where every neighbourhood's light-dark pattern follows the content's, at any brightness and
contrast. So the palette and the strokes stay free (the blur lets fine texture through, the
correlation ignores tone and contrast), flat parts of the content ask for nothing, and the edges
that define the subject, however faint, are held.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..color import RGB_TO_YIQ
from ..constants import Constant
from .base import Features, Objective

_LUMA = Constant(RGB_TO_YIQ[0])  # on the device once, not copied every step
STABILIZER = 1e-4
"""Added to the local covariance and to the product of deviations: where the content is flat (deviation
well under 1 % of the range) the correlation is 1 whatever the image does there."""


def gaussian_blur(image: torch.Tensor, sigma: float) -> torch.Tensor:
    """Separable Gaussian blur of (N,C,H,W), edges replicated."""
    radius = max(1, round(3 * sigma))
    x = torch.arange(-radius, radius + 1, dtype=image.dtype, device=image.device)
    kernel = torch.exp(-(x**2) / (2 * sigma**2))
    kernel = (kernel / kernel.sum()).repeat(image.shape[1], 1, 1, 1)
    image = F.conv2d(F.pad(image, (radius, radius, 0, 0), mode="replicate"), kernel, groups=image.shape[1])
    return F.conv2d(F.pad(image, (0, 0, radius, radius), mode="replicate"), kernel.transpose(-1, -2), groups=image.shape[1])


def blurred_luma(image: torch.Tensor, sigma: float) -> torch.Tensor:
    """The luminance blurred by ``sigma`` pixels, on a grid ``int(sigma)`` times coarser than the image's.

    What is left after the blur has no detail finer than the coarse grid, so the term costs the same at
    every size instead of growing with the blur's width.
    """
    stride = max(1, int(sigma))
    luma = torch.einsum("c,nchw->nhw", _LUMA.like(image), image)[:, None]
    return gaussian_blur(F.avg_pool2d(luma, stride, ceil_mode=True) if stride > 1 else luma, sigma / stride)


def deviations(image: torch.Tensor, window: float) -> torch.Tensor:
    """Each pixel's difference from its local (Gaussian window) mean.

    The (co)variances below are windowed means of these, not E[xy] - E[x]E[y]: in float32 that difference
    leaves noise of ~1e-8 on a flat area, as large as a faint subject's variance.
    """
    return image - gaussian_blur(image, window)


def local_correlation(a: torch.Tensor, db: torch.Tensor, var_b: torch.Tensor, window: float) -> torch.Tensor:
    """SSIM's structure term of (N,1,H,W) ``a`` with a fixed target given by its ``deviations`` and their
    windowed variance, over Gaussian windows of ``window`` pixels."""
    da = deviations(a, window)
    var_a, cov = gaussian_blur(torch.cat([da * da, da * db], dim=1), window).unbind(1)
    # a small floor under the image's variance: sqrt has no gradient at 0 (b is the fixed target)
    return (cov + STABILIZER) / ((var_a + 1e-8).sqrt() * (var_b + 1e-12).sqrt() + STABILIZER)


class LumaStructure(Objective):
    """1 - mean local correlation of the blurred luminance with the content's; in [0, 2]."""

    name = "structure"

    def __init__(self, content: torch.Tensor, blur: float, window: float) -> None:
        super().__init__()
        self.blur, self.window = blur, window / max(1, int(blur))  # the window on blurred_luma's grid
        target = deviations(blurred_luma(content, blur), self.window)
        self.register_buffer("target", target)
        self.register_buffer("target_var", gaussian_blur(target * target, self.window)[:, 0])

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        a = blurred_luma(image, self.blur)
        return 1 - local_correlation(a, self.target, self.target_var, self.window).mean()
