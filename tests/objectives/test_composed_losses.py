"""The losses composed into fewer kernels (issue 24) equal the plain formulas they replaced, values and gradients."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from videostyle.color import RGB_TO_YIQ
from videostyle.objectives import ContentLoss, StyleLoss, gram, total_variation
from videostyle.objectives.chroma_tv import ChromaTV
from videostyle.objectives.structure import STABILIZER, LumaStructure


def _differences(image: torch.Tensor) -> torch.Tensor:
    dx = image[..., :-1, 1:] - image[..., :-1, :-1]
    dy = image[..., 1:, :-1] - image[..., :-1, :-1]
    return (dx.pow(2) + dy.pow(2)).mean()


def _blur(image: torch.Tensor, sigma: float) -> torch.Tensor:
    radius = max(1, round(3 * sigma))
    x = torch.arange(-radius, radius + 1, dtype=image.dtype)
    kernel = torch.exp(-(x**2) / (2 * sigma**2))
    kernel = (kernel / kernel.sum()).repeat(image.shape[1], 1, 1, 1)
    image = F.conv2d(F.pad(image, (radius, radius, 0, 0), mode="replicate"), kernel, groups=image.shape[1])
    return F.conv2d(F.pad(image, (0, 0, radius, radius), mode="replicate"), kernel.transpose(-1, -2), groups=image.shape[1])


def _structure(image: torch.Tensor, content: torch.Tensor, blur: float, window: float) -> torch.Tensor:
    stride = max(1, int(blur))
    window /= stride

    def luma(x: torch.Tensor) -> torch.Tensor:
        y = torch.einsum("c,nchw->nhw", RGB_TO_YIQ[0], x)[:, None]
        return _blur(F.avg_pool2d(y, stride, ceil_mode=True) if stride > 1 else y, blur / stride)

    db = luma(content) - _blur(luma(content), window)
    var_b = _blur(db * db, window)[:, 0]
    a = luma(image)
    da = a - _blur(a, window)
    var_a, cov = _blur(torch.cat([da * da, da * db], dim=1), window).unbind(1)
    return 1 - ((cov + STABILIZER) / ((var_a + 1e-8).sqrt() * (var_b + 1e-12).sqrt() + STABILIZER)).mean()


def _same(composed, plain, image: torch.Tensor) -> None:  # type: ignore[no-untyped-def]
    image = image.clone().requires_grad_(True)
    ours = composed(image)
    (ours_grad,) = torch.autograd.grad(ours, image)
    theirs = plain(image)
    (their_grad,) = torch.autograd.grad(theirs, image)
    assert torch.allclose(ours, theirs, rtol=1e-5, atol=1e-9), (ours, theirs)
    assert torch.allclose(ours_grad, their_grad, rtol=1e-4, atol=1e-7 * their_grad.abs().max().item())


def test_tv_and_chroma_tv_equal_the_differences_they_replaced():
    image = torch.rand(2, 3, 19, 23, generator=torch.Generator().manual_seed(0))
    _same(total_variation, _differences, image)
    chroma = lambda x: torch.einsum("ij,njhw->nihw", RGB_TO_YIQ[1:], x)  # noqa: E731
    _same(lambda x: ChromaTV()(x, {}), lambda x: _differences(chroma(x)), image)


def test_content_and_gram_losses_equal_relative_squared_errors():
    g = torch.Generator().manual_seed(1)
    target, layers = torch.rand(1, 4, 6, 5, generator=g), {"a": torch.rand(1, 4, 4, 4, generator=g), "b": torch.rand(1, 8, 3, 3, generator=g)}
    relative = lambda x, t: (x - t).pow(2).sum() / t.pow(2).sum()  # noqa: E731
    _same(lambda x: ContentLoss("a", target)(x, {"a": x}), lambda x: relative(x, target), torch.rand(1, 4, 6, 5, generator=g))
    targets = {name: gram(f) for name, f in layers.items()}
    loss = StyleLoss(targets, {"b": 0.25})
    feats = torch.rand(1, 4, 4, 4, generator=g)
    plain = lambda x: 0.5 * relative(gram(x), targets["a"]) + 0.25 * relative(gram(x[:, :1].expand(1, 8, 4, 4)[..., :3, :3]), targets["b"])  # noqa: E731
    _same(lambda x: loss(x, {"a": x, "b": x[:, :1].expand(1, 8, 4, 4)[..., :3, :3]}), plain, feats)


def test_the_structure_term_equals_its_two_pad_blurs():
    g = torch.Generator().manual_seed(2)
    content, image = torch.rand(1, 3, 30, 26, generator=g), torch.rand(1, 3, 30, 26, generator=g)
    for blur in (1.0, 2.5):
        term = LumaStructure(content, blur, 3 * blur)
        _same(lambda x: term(x, {}), lambda x: _structure(x, content, blur, 3 * blur), image)
