import torch

from videostyle.objectives import gram
from videostyle.objectives.moments import MomentStyleLoss, blended_moments, channel_moments


def test_moments_split_the_gram_matrix_into_mean_and_covariance():
    f = torch.rand(1, 4, 5, 6)
    mean, cov = channel_moments(f)
    assert torch.allclose(cov + mean.unsqueeze(2) @ mean.unsqueeze(1), gram(f), atol=1e-6)


def test_blended_moments_are_those_of_the_pooled_features():
    a, b = torch.rand(1, 3, 4, 4), torch.rand(1, 3, 4, 4) + 2
    mean, cov = blended_moments([{"l": a}, {"l": b}], [1, 1])["l"]
    pooled_mean, pooled_cov = channel_moments(torch.cat([a, b], dim=3))
    assert torch.allclose(mean, pooled_mean, atol=1e-6) and torch.allclose(cov, pooled_cov, atol=1e-5)


def test_moment_loss_is_zero_at_the_target_and_sees_a_shift_a_gram_hides():
    f = torch.randn(1, 3, 8, 8)
    loss = MomentStyleLoss(blended_moments([{"l": f}], [1.0]))
    assert loss(None, {"l": f}).item() < 1e-10
    assert loss(None, {"l": f.flip(-1)}).item() < 1e-10  # statistics, not positions
    assert loss(None, {"l": 0.5 * f}).item() > 0.1
