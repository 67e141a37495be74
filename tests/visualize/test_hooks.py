"""Between-step hooks (blur, Langevin noise, weight schedules) and the jitter transform."""

from __future__ import annotations

import pytest
import torch

from videostyle.objectives import Scaled, TotalVariation
from videostyle.optim import FourierImage, PixelImage
from videostyle.visualize.hooks import LangevinNoise, PeriodicBlur, StepWeight, chain
from videostyle.optim import compose


def test_blur_runs_only_every_k_steps_and_smooths() -> None:
    param = PixelImage(torch.rand(1, 3, 32, 32, generator=torch.Generator().manual_seed(0)))
    blur = PeriodicBlur(sigma=1.0, every=3)
    before = param.pixels.detach().clone()
    blur(param, 0)
    blur(param, 1)
    assert torch.equal(param.pixels, before)
    blur(param, 2)
    assert param.pixels.std() < 0.5 * before.std()
    torch.testing.assert_close(param.pixels.mean(), before.mean(), atol=2e-3, rtol=0)


def test_blur_refuses_a_fourier_image() -> None:
    with pytest.raises(TypeError):
        PeriodicBlur(1.0)(FourierImage((8, 8)), 0)


def test_langevin_noise_has_the_asked_spread_and_keeps_pixels_valid() -> None:
    param = PixelImage(torch.full((1, 3, 64, 64), 0.5))
    LangevinNoise(0.05, torch.Generator().manual_seed(0))(param, 0)
    change = param.pixels - 0.5
    assert change.std().item() == pytest.approx(0.05, rel=0.05)
    assert abs(change.mean().item()) < 0.005
    LangevinNoise(5.0)(param, 1)
    assert param.pixels.min() >= 0 and param.pixels.max() <= 1  # re-projected


def test_step_weight_adds_a_step_every_period() -> None:
    term = Scaled(TotalVariation(), 0.5)
    schedule = StepWeight(term, step=2.0, every=10)
    weights = []
    for index in range(30):
        schedule(PixelImage(torch.zeros(1, 3, 2, 2)), index)
        weights.append(term.weight)
    assert weights[0] == 0.5 and weights[8] == 0.5 and weights[9] == 2.5 and weights[19] == 4.5 and weights[29] == 6.5


def test_chain_and_compose_skip_missing_parts_and_keep_order() -> None:
    calls = []
    hook = chain([None, lambda p, i: calls.append(("a", i)), lambda p, i: calls.append(("b", i))])
    hook(None, 4)  # type: ignore[arg-type]
    assert calls == [("a", 4), ("b", 4)]
    assert chain([None]) is None and compose([None, None]) is None
    double_then_add = compose([lambda x: 2 * x, None, lambda x: x + 1])
    assert double_then_add(torch.ones(1)).item() == 3
