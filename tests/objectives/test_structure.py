import torch

from videostyle.objectives.structure import LumaStructure


def _scene(subject: float) -> torch.Tensor:
    """A faint disc (luma ``subject``) on a 0.85 ground, 32x48."""
    y, x = torch.meshgrid(torch.arange(32), torch.arange(48), indexing="ij")
    disc = ((x - 24) ** 2 + (y - 16) ** 2 < 8**2).float()
    return (0.85 * (1 - disc) + subject * disc).expand(1, 3, -1, -1).contiguous()


def test_structure_ignores_tone_and_contrast_but_sees_an_erased_subject():
    content = _scene(0.9)
    loss = LumaStructure(content, blur=1.0, window=3.0)
    assert loss(content, {}).item() < 1e-3
    repainted = 0.1 + 0.5 * content  # darker, more or less contrast: the same shapes
    assert loss(repainted, {}).item() < 1e-3
    g = torch.Generator().manual_seed(0)
    erased = 0.5 + 0.2 * torch.rand(1, 3, 32, 48, generator=g)  # texture without the disc
    assert loss(erased, {}).item() > 0.05
    inverted = 1 - content  # the subject's edge the wrong way round
    assert loss(inverted, {}).item() > loss(erased, {}).item()


def test_flat_content_asks_nothing():
    flat = torch.full((1, 3, 16, 16), 0.5)
    g = torch.Generator().manual_seed(0)
    assert LumaStructure(flat, 1.0, 3.0)(torch.rand(1, 3, 16, 16, generator=g), {}).item() < 0.02


def test_structure_gradient_reaches_the_image():
    content = _scene(0.9)
    image = torch.full_like(content, 0.5).requires_grad_()
    LumaStructure(content, 1.0, 3.0)(image + 0.01 * torch.rand_like(image), {}).backward()
    assert image.grad is not None and image.grad.abs().sum() > 0
