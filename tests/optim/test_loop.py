import pytest
import torch

from videostyle.backbones import Backbone, Normalize
from videostyle.objectives import TotalVariation
from videostyle.optim import PixelImage, decay, make_optimizer, optimize
from videostyle.errors import OptionError


def identity_backbone() -> Backbone:
    return Backbone("id", [("pixels", torch.nn.Identity())], Normalize((0, 0, 0), (1, 1, 1)))


@pytest.mark.parametrize("name", ["adam", "lbfgs"])
def test_loop_minimizes_and_yields_every_step(name):
    torch.manual_seed(0)
    param = PixelImage(torch.rand(1, 3, 16, 16))
    optimizer = make_optimizer(name, param.parameters(), 0.05 if name == "adam" else 1.0)
    steps = list(optimize(param, TotalVariation(), identity_backbone(), 20, optimizer))
    assert [s.index for s in steps] == list(range(20)) and steps[0].total == 20
    assert steps[-1].loss < 0.3 * steps[0].loss
    assert set(steps[-1].parts) == {"tv"}
    image = steps[-1].image()
    assert image.min() >= 0 and image.max() <= 1 and not image.requires_grad


def test_transform_and_after_step_hooks_are_called():
    param = PixelImage(torch.rand(1, 3, 8, 8))
    seen, after = [], []
    optimizer = make_optimizer("adam", param.parameters(), 0.01)
    for _ in optimize(
        param, TotalVariation(), identity_backbone(), 3, optimizer,
        transform=lambda x: seen.append(x.shape) or x.flip(-1), after_step=lambda p, i: after.append(i),
    ):
        pass
    assert len(seen) == 3 and after == [0, 1, 2]


def test_decay_ends_at_the_final_fraction():
    param = PixelImage(torch.rand(1, 3, 4, 4))
    optimizer = make_optimizer("adam", param.parameters(), 0.1)
    schedule = decay(optimizer, 10, final=0.05)
    for _ in range(10):
        optimizer.step()
        schedule.step()
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.005)


def test_unknown_optimizer():
    with pytest.raises(OptionError, match="unknown optimizer"):
        make_optimizer("sgdx", [torch.nn.Parameter(torch.zeros(1))], 0.1)


def test_lbfgs_accepts_a_channels_last_start_image():
    """Decoded video frames arrive channels-last; L-BFGS needs a flat view of the gradient."""
    init = torch.rand(1, 3, 8, 8).contiguous(memory_format=torch.channels_last)
    param = PixelImage(init)
    optimizer = make_optimizer("lbfgs", param.parameters(), 1.0)
    steps = list(optimize(param, TotalVariation(), identity_backbone(), 2, optimizer))
    assert steps[-1].loss < steps[0].loss or steps[-1].loss == 0
