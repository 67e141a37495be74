"""Color preservation by luminance-only transfer (Gatys et al. 2017, "Controlling perceptual factors").

Style is transferred on the luminance channel alone, with the style's luminance histogram matched
in mean and spread to the content's; the result's luminance is then joined with the content's own
chroma. Unlike a post-hoc channel swap, the optimization never sees the style's colors at all.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from .constants import Constant

# YIQ (NTSC) as in the paper.
_RGB_TO_YIQ = Constant(
    torch.tensor([[0.299, 0.587, 0.114], [0.595716, -0.274453, -0.321263], [0.211456, -0.522591, 0.311135]])
)
_YIQ_TO_RGB = Constant(torch.linalg.inv(_RGB_TO_YIQ.value))


def rgb_to_yiq(image: torch.Tensor) -> torch.Tensor:
    return torch.einsum("ij,njhw->nihw", _RGB_TO_YIQ.like(image), image)


def yiq_to_rgb(image: torch.Tensor) -> torch.Tensor:
    return torch.einsum("ij,njhw->nihw", _YIQ_TO_RGB.like(image), image)


def luminance(image: torch.Tensor) -> torch.Tensor:
    """Y as a 3-channel gray image, so an RGB backbone can look at it."""
    return rgb_to_yiq(image)[:, :1].expand(-1, 3, -1, -1).contiguous()


def match_luminance(style: torch.Tensor, content: torch.Tensor) -> torch.Tensor:
    """Gray style image whose luminance has the content's mean and standard deviation."""
    ys, yc = rgb_to_yiq(style)[:, :1], rgb_to_yiq(content)[:, :1]
    matched = (ys - ys.mean()) / ys.std().clamp_min(1e-6) * yc.std() + yc.mean()
    return matched.clamp(0, 1).expand(-1, 3, -1, -1).contiguous()


def join_chroma(result: torch.Tensor, content: torch.Tensor) -> torch.Tensor:
    """The result's luminance with the content's I and Q channels."""
    yiq = rgb_to_yiq(content)
    yiq = torch.cat([rgb_to_yiq(result)[:, :1], yiq[:, 1:]], dim=1)
    return yiq_to_rgb(yiq).clamp(0, 1)



def _color_moments(image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """RGB mean (3,1) and second moment (3,3) over the pixels of a (1,3,H,W) image."""
    flat = image[0].reshape(3, -1)
    return flat.mean(dim=1, keepdim=True), flat @ flat.t() / flat.shape[1]


def _sym_power(m: torch.Tensor, power: float) -> torch.Tensor:
    values, vectors = torch.linalg.eigh(m)
    return vectors @ torch.diag(values.clamp_min(1e-6).pow(power)) @ vectors.t()


def match_color(content: torch.Tensor, styles: Sequence[torch.Tensor], weights: Sequence[float] | None = None) -> torch.Tensor:
    """The content recolored so its RGB mean and covariance are the styles' (a linear color transfer).

    A start image for the optimizer: the palette is the style's from step one, so the style loss
    spends its steps on strokes instead of slowly repainting the sky pixel by pixel. Several styles
    count as one mixture of their pixels, by ``weights``.
    """
    weights = weights or [1.0] * len(styles)
    total = float(sum(weights))
    moments = [_color_moments(s.to(content)) for s in styles]
    mean_s = sum(w / total * m for w, (m, _) in zip(weights, moments))
    cov_s = sum(w / total * sq for w, (_, sq) in zip(weights, moments)) - mean_s @ mean_s.t()  # type: ignore[operator]
    mean_c, sq_c = _color_moments(content)
    transform = _sym_power(cov_s, 0.5) @ _sym_power(sq_c - mean_c @ mean_c.t(), -0.5)
    flat = content[0].reshape(3, -1)
    return (transform @ (flat - mean_c) + mean_s).reshape(content.shape).clamp(0, 1)
