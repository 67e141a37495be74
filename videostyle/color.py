"""Color preservation by luminance-only transfer (Gatys et al. 2017, "Controlling perceptual factors").

Style is transferred on the luminance channel alone, with the style's luminance histogram matched
in mean and spread to the content's; the result's luminance is then joined with the content's own
chroma. Unlike a post-hoc channel swap, the optimization never sees the style's colors at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from .constants import Constant
from .registry import Registry

RGB_TO_YIQ = torch.tensor([[0.299, 0.587, 0.114], [0.595716, -0.274453, -0.321263], [0.211456, -0.522591, 0.311135]])
"""NTSC RGB -> YIQ (rows Y, I, Q), as in the paper: the project's one copy of these numbers (its first row is
the luma that flow estimation and the structure loss read, its other two the chroma of ``ChromaTV``)."""
_RGB_TO_YIQ = Constant(RGB_TO_YIQ)
_YIQ_TO_RGB = Constant(torch.linalg.inv(RGB_TO_YIQ))


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


TONE_BINS = 32
"""Luminance bins of the tone palette: enough to follow a painting's light-to-dark colors, few enough that
every bin holds thousands of a style image's pixels."""


def _quantiles(values: torch.Tensor, weights: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(sorted values, their cumulative weight share at each value's middle), for a weighted empirical CDF."""
    order = values.argsort()
    cumulative = weights[order].cumsum(0)
    total = cumulative[-1]
    return values[order], (cumulative - weights[order] / 2) / total


def _ranks(values: torch.Tensor) -> torch.Tensor:
    """Each value's quantile in its own distribution, in (0, 1); equal values share one (a flat area stays flat)."""
    ordered = values.sort().values
    below = torch.searchsorted(ordered, values, right=False)
    upto = torch.searchsorted(ordered, values, right=True)
    return (below + upto).to(values.dtype) / (2 * len(values))


def _binned_mean(quantile: torch.Tensor, values: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """(TONE_BINS, C): the weighted mean of ``values`` (N, C) in each quantile bin (bins are never empty here)."""
    index = (quantile * TONE_BINS).long().clamp(0, TONE_BINS - 1)
    sums = torch.zeros(TONE_BINS, values.shape[1], dtype=values.dtype, device=values.device).index_add_(0, index, values * weights[:, None])
    mass = torch.zeros(TONE_BINS, dtype=values.dtype, device=values.device).index_add_(0, index, weights)
    return sums / mass.clamp_min(1e-12)[:, None]


def _lookup(table: torch.Tensor, quantile: torch.Tensor) -> torch.Tensor:
    """Rows of a (TONE_BINS, C) table at ``quantile`` (N,), linearly interpolated between bin centres."""
    position = (quantile * TONE_BINS - 0.5).clamp(0, TONE_BINS - 1)
    low = position.floor().long()
    high = (low + 1).clamp_max(TONE_BINS - 1)
    t = (position - low)[:, None]
    return table[low] * (1 - t) + table[high] * t


def match_tones(content: torch.Tensor, styles: Sequence[torch.Tensor], weights: Sequence[float] | None = None) -> torch.Tensor:
    """The content repainted in the styles' palette, tone for tone: luminance order and local contrast kept.

    A start image for the optimizer, like ``match_color``, but it matches tones instead of replacing
    them (issue 25). ``match_color``'s linear map sends the content's main axis of variation wherever
    the style's lies, often into hue: a pale subject on a pale ground, told apart by a few percent of
    luminance, became one dark texture and the optimization never brought it back. Here each pixel's
    luminance moves to the style's luminance at the same quantile (a monotone map: brighter stays
    brighter, and what is flat stays flat), its chroma becomes the style's mean chroma at that
    luminance quantile (the painting's dark colors for dark tones, its light colors for light ones),
    plus the content's own chroma around its tone's mean, shrunk to the style's spread where that
    is smaller. Several styles count as one mixture of their pixels, by ``weights``.
    """
    weights = weights or [1.0] * len(styles)
    styles, weights = zip(*((s, w) for s, w in zip(styles, weights) if w > 0))  # a weightless style has no pixels
    style_yiq = [rgb_to_yiq(s.to(content))[0].reshape(3, -1).t() for s in styles]
    style_pixels = torch.cat(style_yiq)
    style_mass = torch.cat([
        torch.full((len(p),), w / len(p), dtype=content.dtype, device=content.device) for p, w in zip(style_yiq, weights)
    ])
    style_y, style_q = _quantiles(style_pixels[:, 0], style_mass)
    style_rank = torch.empty_like(style_q)
    style_rank[style_pixels[:, 0].argsort()] = style_q
    style_chroma = _binned_mean(style_rank, style_pixels[:, 1:], style_mass)

    pixels = rgb_to_yiq(content)[0].reshape(3, -1).t()
    rank = _ranks(pixels[:, 0])
    index = torch.searchsorted(style_q.contiguous(), rank.contiguous()).clamp(1, len(style_q) - 1)
    q0, q1 = style_q[index - 1], style_q[index]
    t = ((rank - q0) / (q1 - q0).clamp_min(1e-12)).clamp(0, 1)
    luma = style_y[index - 1] * (1 - t) + style_y[index] * t

    own = torch.ones(len(pixels), dtype=content.dtype, device=content.device)
    residual = pixels[:, 1:] - _lookup(_binned_mean(rank, pixels[:, 1:], own), rank)
    style_residual = style_pixels[:, 1:] - _lookup(style_chroma, style_rank)
    spread = ((style_residual.pow(2).sum(1) * style_mass).sum() / style_mass.sum()).sqrt()
    shrink = (spread / residual.pow(2).sum(1).mean().sqrt().clamp_min(1e-6)).clamp_max(1.0)
    chroma = _lookup(style_chroma, rank) + shrink * residual
    out = torch.cat([luma[:, None], chroma], dim=1).t().reshape(1, 3, *content.shape[-2:])
    return yiq_to_rgb(out).clamp(0, 1)


def carry_moments(image: torch.Tensor, source: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """``image`` through the per-channel affine map that takes ``source``'s mean and spread to ``target``'s.

    One map for the whole picture, so whatever ``image`` holds (texture, motion) changes its colors
    alike everywhere: how a video frame is carried from one palette to the next without new detail."""
    mean_from, std_from = source.mean((-2, -1), keepdim=True), source.std((-2, -1), keepdim=True)
    mean_to, std_to = target.mean((-2, -1), keepdim=True), target.std((-2, -1), keepdim=True)
    return (image - mean_from) * (std_to / std_from.clamp_min(1e-3)) + mean_to


TONE_SHARE = 0.5
"""The tone match's share of ``match_mixed`` (the linear transfer has the rest). Measured on
bench/bench_subject.py (192 px, 40 iterations, The Shipwreck): texture distance of the cat clip 0.0273 at
1 (pure tones), 0.0261 at 0.75, 0.0251 at 0.5 (the linear start: 0.0235), its edges 0.78-0.82 throughout."""


def match_mixed(
    content: torch.Tensor, styles: Sequence[torch.Tensor], weights: Sequence[float] | None = None, tone_share: float = TONE_SHARE
) -> torch.Tensor:
    """Half ``match_tones``, half ``match_color``: the subject's light-dark order, and the content's texture.

    The tone match keeps a pale subject on a pale ground, but where the style's luminance histogram is
    steep (a dark painting's few mid tones) it stretches the content's fine texture (fur, grain) into
    strong, regular contrast of its own, which the style loss then has to paint over: the result's
    texture ended further from the painting's than from the linear start (issue 25, the cat clip +21 %).
    Half of each keeps enough luminance order for the structure term to hold the subject, and the
    linear half's even contrast lets the painting's strokes in. ``tone_share`` other than ``TONE_SHARE``:
    a style strength above 1 (``StyleOptions.tone_share``) goes further towards the painting's colors.
    """
    return torch.lerp(match_color(content, styles, weights), match_tones(content, styles, weights), tone_share)


Palette = Callable[[torch.Tensor, Sequence[torch.Tensor], Sequence[float] | None], torch.Tensor]
PALETTES: Registry[Palette] = Registry("palette")
PALETTES.register("mixed", match_mixed)
PALETTES.register("tones", match_tones)
PALETTES.register("linear", match_color)
"""Palette transfers for the color-transferred start (``--palette``): mixed, half tones and half linear (the
default, issue 25); tones keeps the content's luminance order; linear matches RGB mean and covariance (the
default before issue 25)."""
