import pytest
import torch

from videostyle.optim import NormalizedGradient
from videostyle.optim import make_optimizer


def test_step_moves_by_step_size_on_average_against_the_gradient():
    p = torch.nn.Parameter(torch.tensor([1.0, -2.0, 3.0, 0.5]))
    opt = NormalizedGradient([p], lr=0.1)
    before = p.detach().clone()

    def closure():
        opt.zero_grad()
        loss = (p**3).sum()  # gradient 3p², very different magnitudes
        loss.backward()
        return loss

    loss = opt.step(closure)
    change = p.detach() - before
    assert float(loss.detach()) == pytest.approx(float((before**3).sum()))
    assert change.abs().mean() == pytest.approx(0.1, rel=1e-5)
    assert torch.all(torch.sign(change) == -torch.sign(3 * before**2))
    grad = 3 * before**2
    assert torch.allclose(change, -0.1 * grad / grad.abs().mean(), atol=1e-6)


def test_registered_in_make_optimizer_and_rejects_bad_step():
    p = torch.nn.Parameter(torch.zeros(3))
    assert isinstance(make_optimizer("normalized", [p], 0.01), NormalizedGradient)
    with pytest.raises(ValueError):
        NormalizedGradient([p], lr=0)
