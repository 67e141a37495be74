"""The one training loop: both trainers run through it, and it trains as the two loops it replaced did."""

import pytest
import torch
from safetensors.torch import load_file

from videostyle.feedforward.adain.train import iter_train_adain
from videostyle.feedforward.options import TrainOptions
from videostyle.feedforward.johnson.train import iter_train

from .conftest import TINY_LAYERS

OPTIONS = TrainOptions(steps=3, size=32, batch_size=2, width_mult=0.125, checkpoint_every=2, preview_every=3, **TINY_LAYERS)

# What 3 seeded steps gave with the two separate loops, before they became one (issue 19): the loss
# parts of each step, and the sum of |weight| over the saved state dict. The network's sum moved by 1e-5 of
# itself when its losses were composed into fewer kernels (issue 24: the same formulas, rounded otherwise,
# each rounding difference turned by Adam into a whole step of some weight).
BEFORE = {
    "network": (
        [
            {"content": 0.361846, "style": 0.114323, "tv": 0.084797},
            {"content": 0.433008, "style": 3.413396, "tv": 0.081469},
            {"content": 0.369866, "style": 0.186026, "tv": 0.09447},
        ],
        1664.09466375405,
    ),
    "decoder": (
        [
            {"content": 0.018032, "style": 0.059484},
            {"content": 0.016704, "style": 0.055302},
            {"content": 0.014933, "style": 0.047893},
        ],
        490.8644745272127,
    ),
}


def _train(kind, backbone, pictures, target):
    torch.manual_seed(0)
    if kind == "network":
        return list(iter_train([pictures / "p0.png", pictures / "p1.png"], [pictures], target, OPTIONS, backbone=backbone))
    return list(iter_train_adain([pictures], [pictures], target, OPTIONS, backbone=backbone))


@pytest.mark.parametrize("kind", ["network", "decoder"])
def test_three_seeded_steps_train_as_before(kind, tiny_backbone, pictures, tmp_path):
    target = tmp_path / "m.safetensors"
    events = _train(kind, tiny_backbone, pictures, target)
    assert [e.index for e in events] == [0, 1, 2] and all(e.total == 3 for e in events)
    assert [(e.checkpoint is not None, e.preview is not None) for e in events] == [(False, False), (True, False), (True, True)]
    parts, weight = BEFORE[kind]
    mass = sum(float(v.double().abs().sum()) for v in load_file(target).values())
    for event, before in zip(events, parts, strict=True):
        assert event.parts == pytest.approx(before, rel=1e-4)
    assert mass == pytest.approx(weight, rel=1e-6)
