import torch

from videostyle.objectives import gram
from videostyle.objectives.smoothed import SmoothedStyleLoss, softmax_smooth


def test_softmax_smoothing_has_mean_one_and_tames_peaks():
    f = torch.randn(1, 3, 6, 6)
    f[0, 0, 0, 0] = 50.0
    s = softmax_smooth(f, temperature=20.0)
    assert torch.isclose(s.mean(), torch.tensor(1.0))
    assert (s > 0).all()
    assert torch.allclose(softmax_smooth(f.repeat(1, 1, 2, 2), 20.0).mean(), torch.tensor(1.0))


def test_smoothed_loss_is_zero_at_its_own_target():
    f = torch.randn(1, 3, 6, 6)
    loss = SmoothedStyleLoss({"l": gram(softmax_smooth(f))})
    assert loss(None, {"l": f}).item() < 1e-10 and loss(None, {"l": 3 * f}).item() > 0.01
