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

from .base import Features, Objective

_LUMA = torch.tensor([0.299, 0.587, 0.114])
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
    return gaussian_blur(torch.einsum("c,nchw->nhw", _LUMA.to(image), image)[:, None], sigma)


def local_correlation(a: torch.Tensor, b: torch.Tensor, window: float) -> torch.Tensor:
    """SSIM's structure term between (N,1,H,W) images ``a`` and target ``b`` over Gaussian windows of ``window`` pixels.

    The (co)variances are windowed means of the deviations from each pixel's local mean, not E[xy] - E[x]E[y]:
    in float32 that difference leaves noise of ~1e-8 on a flat area, as large as a faint subject's variance.
    """
    da, db = a - gaussian_blur(a, window), b - gaussian_blur(b, window)
    var_a, var_b, cov = gaussian_blur(torch.cat([da * da, db * db, da * db], dim=1), window).unbind(1)
    # a small floor under the image's variance: sqrt has no gradient at 0 (b is the fixed target)
    return (cov + STABILIZER) / ((var_a + 1e-8).sqrt() * (var_b + 1e-12).sqrt() + STABILIZER)


class LumaStructure(Objective):
    """1 - mean local correlation of the blurred luminance with the content's; in [0, 2]."""

    name = "structure"

    def __init__(self, content: torch.Tensor, blur: float, window: float) -> None:
        super().__init__()
        self.blur, self.window = blur, window
        self.register_buffer("target", blurred_luma(content, blur))

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        return 1 - local_correlation(blurred_luma(image, self.blur), self.target, self.window).mean()
