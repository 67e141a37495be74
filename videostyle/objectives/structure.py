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
from torch import nn

from ..color import RGB_TO_YIQ
from ..constants import Constant
from .base import Features, Objective

_LUMA = Constant(RGB_TO_YIQ[0])  # on the device once, not copied every step
STABILIZER = 1e-4
"""Added to the local covariance and to the product of deviations: where the content is flat (deviation
well under 1 % of the range) the correlation is 1 whatever the image does there."""


class GaussianBlur(nn.Module):
    """Separable Gaussian blur of (N,C,H,W), edges replicated, its kernels made once (built at every blur
    they cost eight kernel launches of the term's fifty per optimization step).

    Channels are blurred as separate images of one channel (a view), and both sides are padded at once:
    a row of the horizontally blurred pad is the blurred edge row, as padding between the passes gives.
    """

    def __init__(self, sigma: float, like: torch.Tensor) -> None:
        super().__init__()
        self.radius = max(1, round(3 * sigma))
        x = torch.arange(-self.radius, self.radius + 1, dtype=like.dtype, device=like.device)
        kernel = torch.exp(-(x**2) / (2 * sigma**2))
        kernel = kernel / kernel.sum()
        self.register_buffer("across", kernel.view(1, 1, 1, -1))
        self.register_buffer("down", kernel.view(1, 1, -1, 1))

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        n, c, h, w = image.shape
        planes = F.pad(image.reshape(n * c, 1, h, w), (self.radius,) * 4, mode="replicate")
        return F.conv2d(F.conv2d(planes, self.across), self.down).view(n, c, h, w)


def blurred_luma(image: torch.Tensor, blur: GaussianBlur, stride: int) -> torch.Tensor:
    """The luminance blurred by ``blur`` on a grid ``stride`` times coarser than the image's.

    What is left after the blur has no detail finer than the coarse grid, so the term costs the same at
    every size instead of growing with the blur's width.
    """
    luma = torch.einsum("c,nchw->nhw", _LUMA.like(image), image)[:, None]
    return blur(F.avg_pool2d(luma, stride, ceil_mode=True) if stride > 1 else luma)


def deviations(image: torch.Tensor, window: GaussianBlur) -> torch.Tensor:
    """Each pixel's difference from its local (Gaussian ``window``) mean.

    The (co)variances below are windowed means of these, not E[xy] - E[x]E[y]: in float32 that difference
    leaves noise of ~1e-8 on a flat area, as large as a faint subject's variance.
    """
    return image - window(image)


def local_correlation(a: torch.Tensor, db: torch.Tensor, sd_b: torch.Tensor, window: GaussianBlur) -> torch.Tensor:
    """SSIM's structure term of (N,1,H,W) ``a`` with a fixed target given by its ``deviations`` and their
    windowed standard deviation (``target_sd``), over Gaussian ``window``s."""
    da = deviations(a, window)
    var_a, cov = window(torch.cat([da * da, da * db], dim=1)).unbind(1)
    # a small floor under the image's variance: sqrt has no gradient at 0 (b is the fixed target)
    return (cov + STABILIZER) / ((var_a + 1e-8).sqrt() * sd_b + STABILIZER)


def target_sd(deviation: torch.Tensor, window: GaussianBlur) -> torch.Tensor:
    """The windowed standard deviation of a fixed target's ``deviations``, (N,H,W), with a tiny floor."""
    return (window(deviation * deviation)[:, 0] + 1e-12).sqrt()


class LumaStructure(Objective):
    """1 - mean local correlation of the blurred luminance with the content's; in [0, 2]."""

    name = "structure"

    def __init__(self, content: torch.Tensor, blur: float, window: float) -> None:
        super().__init__()
        self.stride = max(1, int(blur))  # the luminance is blurred on a grid this much coarser, and so is the window
        self.blur, self.window = GaussianBlur(blur / self.stride, content), GaussianBlur(window / self.stride, content)
        target = deviations(blurred_luma(content, self.blur, self.stride), self.window)
        self.register_buffer("target", target)
        self.register_buffer("target_sd", target_sd(target, self.window))

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        a = blurred_luma(image, self.blur, self.stride)
        return 1 - local_correlation(a, self.target, self.target_sd, self.window).mean()
