import torch

from videostyle.objectives import blended_grams, gram
from videostyle.objectives.moments import MomentStyleLoss, covariance


def channel_moments(features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The reference: mean (N, C) and centered covariance (N, C, C) of features, over positions."""
    mean = features.mean(dim=(2, 3))
    return mean, covariance(mean, gram(features))


def test_moments_split_the_gram_matrix_into_mean_and_covariance():
    f = torch.rand(1, 4, 5, 6)
    mean, cov = channel_moments(f)
    centered = (f - f.mean((2, 3), keepdim=True)).flatten(2)
    assert torch.allclose(cov, centered @ centered.transpose(1, 2) / 30, atol=1e-6)
    assert torch.allclose(cov + mean.unsqueeze(2) @ mean.unsqueeze(1), gram(f), atol=1e-6)


def test_blended_statistics_give_the_moments_of_the_pooled_features():
    a, b = torch.rand(1, 3, 4, 4), torch.rand(1, 3, 4, 4) + 2
    stats = blended_grams([MomentStyleLoss.statistics({"l": f}, ["l"]) for f in (a, b)], [1, 1])
    loss = MomentStyleLoss(stats)
    pooled_mean, pooled_cov = channel_moments(torch.cat([a, b], dim=3))
    assert torch.allclose(loss.mean0, pooled_mean, atol=1e-6) and torch.allclose(loss.cov0, pooled_cov, atol=1e-5)


def test_moment_loss_is_zero_at_the_target_and_sees_a_shift_a_gram_hides():
    f = torch.randn(1, 3, 8, 8)
    loss = MomentStyleLoss(MomentStyleLoss.statistics({"l": f}, ["l"]))
    assert loss(None, {"l": f}).item() < 1e-10
    assert loss(None, {"l": f.flip(-1)}).item() < 1e-10  # statistics, not positions
    assert loss(None, {"l": 0.5 * f}).item() > 0.1
