import torch

from videostyle.objectives.sliced import SlicedStyleLoss, flat_positions, mixed_samples, sorted_quantiles


def test_sorted_quantiles_resample_any_count():
    values = torch.tensor([[3.0, 1.0, 2.0]])
    assert torch.equal(sorted_quantiles(values, 3), torch.tensor([[1.0, 2.0, 3.0]]))
    assert torch.allclose(sorted_quantiles(values, 5), torch.tensor([[1.0, 1.5, 2.0, 2.5, 3.0]]))


def test_sliced_loss_ignores_positions_but_sees_the_distribution():
    f = torch.randn(1, 4, 8, 8)
    loss = SlicedStyleLoss({"l": flat_positions(f)})
    assert loss(None, {"l": f.flip(-1)}).item() < 1e-10
    # same mean and variance per channel, different shape (uniform vs gaussian): a Gram loss barely sees it
    uniform = (torch.rand(1, 4, 8, 8) - 0.5) * 12**0.5
    assert loss(None, {"l": uniform}).item() > 1e-3
    assert loss(None, {"l": 2 * f}).item() > 0.5


def test_mixed_samples_take_each_style_by_weight():
    a, b = torch.zeros(1, 2, 10, 10), torch.ones(1, 2, 10, 10)
    mixed = mixed_samples([{"l": a}, {"l": b}], [3, 1], torch.Generator().manual_seed(0))["l"]
    assert mixed.shape == (2, 100) and mixed.mean().item() == 0.25
