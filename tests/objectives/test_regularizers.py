"""TV (three operators, any β), p-norm and L2 priors: values on known images, gradients by finite differences."""

from __future__ import annotations

import pytest
import torch

from videostyle.errors import OptionError
from videostyle.objectives import L2, PNorm, TotalVariation, image_gradients, p_norm, total_variation


def directional_derivatives(f, x: torch.Tensor, count: int = 6, eps: float = 1e-6) -> tuple[torch.Tensor, torch.Tensor]:
    """Central differences of a scalar function along random directions, and the directions (float64)."""
    directions = torch.randn(count, *x.shape, dtype=x.dtype, generator=torch.Generator().manual_seed(1))
    slopes = torch.stack([(f(x + eps * v) - f(x - eps * v)) / (2 * eps) for v in directions])
    return slopes, directions


def check_against_finite_differences(f, x: torch.Tensor, grad: torch.Tensor) -> None:
    """<grad, v> must equal the numerical slope of f along every direction v."""
    slopes, directions = directional_derivatives(f, x)
    predicted = (directions * grad).flatten(1).sum(1)
    torch.testing.assert_close(predicted, slopes, rtol=1e-5, atol=1e-9)


def autograd_grad(f, x: torch.Tensor) -> torch.Tensor:
    x = x.clone().requires_grad_(True)
    f(x).backward()
    return x.grad


@pytest.fixture
def image() -> torch.Tensor:
    return torch.rand(1, 3, 5, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(0))


@pytest.mark.parametrize("operator", ["naive", "sobel", "sobel_squish"])
def test_operators_measure_the_slope_of_a_ramp_exactly(operator: str) -> None:
    ys, xs = torch.meshgrid(torch.arange(7.0), torch.arange(9.0), indexing="ij")
    ramp = (0.03 * xs - 0.02 * ys).expand(1, 3, 7, 9).double()
    dx, dy = image_gradients(ramp, operator)
    torch.testing.assert_close(dx, torch.full_like(dx, 0.03))
    torch.testing.assert_close(dy, torch.full_like(dy, -0.02))
    assert total_variation(ramp, 2.0, operator).item() == pytest.approx(0.03**2 + 0.02**2)
    assert total_variation(ramp, 1.0, operator).item() == pytest.approx((0.03**2 + 0.02**2) ** 0.5, rel=1e-4)


def test_naive_operator_is_the_forward_difference(image: torch.Tensor) -> None:
    dx = image[..., :-1, 1:] - image[..., :-1, :-1]
    dy = image[..., 1:, :-1] - image[..., :-1, :-1]
    assert total_variation(image).item() == pytest.approx((dx**2 + dy**2).mean().item())


@pytest.mark.parametrize("operator", ["naive", "sobel", "sobel_squish"])
@pytest.mark.parametrize("beta", [2.0, 1.5, 1.0])
def test_tv_gradient_matches_finite_differences(image: torch.Tensor, operator: str, beta: float) -> None:
    tv = TotalVariation(beta, operator)
    f = lambda x: tv(x, {})  # noqa: E731
    check_against_finite_differences(f, image, autograd_grad(f, image))


def test_constant_image_has_no_variation() -> None:
    flat = torch.full((1, 3, 8, 8), 0.3)
    for operator in ("naive", "sobel", "sobel_squish"):
        assert total_variation(flat, 2.0, operator).item() == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("alpha", [2.0, 3.0, 6.0])
def test_p_norm_value_and_gradient(image: torch.Tensor, alpha: float) -> None:
    scale, center = 0.4, 0.5
    prior = PNorm(alpha, scale, center)
    u = (image - center) / scale
    assert prior(image, {}).item() == pytest.approx(u.abs().pow(alpha).mean().item())
    closed_form = alpha / scale * u.sign() * u.abs().pow(alpha - 1) / image.numel()
    f = lambda x: prior(x, {})  # noqa: E731
    torch.testing.assert_close(autograd_grad(f, image), closed_form)
    check_against_finite_differences(f, image, closed_form)


def test_auxiliary_p_norm_keeps_its_own_name_in_the_breakdown(image: torch.Tensor) -> None:
    both = PNorm(6.0, 0.5) + PNorm(2.0, 1.0, name="pnorm_aux") * 0.5
    parts = both.breakdown(image, {})
    assert set(parts) == {"pnorm", "pnorm_aux"}
    assert parts["pnorm_aux"].item() == pytest.approx(0.5 * p_norm(image - 0.5, 2.0, 1.0).item())


def test_l2_gradient_pulls_towards_the_center(image: torch.Tensor) -> None:
    prior = L2(center=0.5)
    grad = autograd_grad(lambda x: prior(x, {}), image)
    torch.testing.assert_close(grad, 2 * (image - 0.5) / image.numel())


def test_bad_prior_settings_are_option_errors() -> None:
    with pytest.raises(OptionError):
        TotalVariation(2.0, "laplace")
    with pytest.raises(OptionError):
        PNorm(0.5)
    with pytest.raises(OptionError):
        PNorm(6.0, scale=0)
