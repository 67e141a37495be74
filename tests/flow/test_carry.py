import pytest
import torch

from videostyle.errors import OptionError
from videostyle.flow import Carry, FlowEstimator, FlowOptions, carry


class Shift(FlowEstimator):
    """Exact flow of a picture that moved ``dx`` pixels right; counts how often it is asked."""

    def __init__(self, dx: float) -> None:
        self.dx = dx
        self.calls = 0

    def both(self, a, b):
        self.calls += 1
        flow = torch.zeros(1, 2, *a.shape[-2:])
        flow[:, 0] = -self.dx
        return flow, -flow


def texture(h=24, w=32):
    y, x = torch.meshgrid(torch.arange(h, dtype=torch.float32), torch.arange(w, dtype=torch.float32), indexing="ij")
    return torch.stack([0.5 + 0.3 * torch.sin(x / 3), 0.5 + 0.3 * torch.cos(y / 4), x / w])[None]


def test_one_flow_pair_gives_the_warp_the_masks_and_the_cut_decision():
    earlier = texture()
    current = torch.roll(earlier, 2, -1)  # moved 2 px right: the left two columns are new
    estimator = Shift(2)
    pair = carry(estimator, current, earlier)
    assert estimator.calls == 1
    assert torch.allclose(pair.warp(earlier)[..., 2:], current[..., 2:], atol=1e-6)
    assert pair.occluded[..., :2].all() and not pair.occluded[..., 2:].any()
    assert pair.reliable.dtype == torch.float32 and torch.equal(pair.reliable, (~pair.occluded).float())
    assert not pair.is_cut(earlier, current)
    assert pair.is_cut(earlier, 1 - current)  # another picture: the histograms jump


def test_from_flows_marks_motion_boundaries_unreliable():
    forward = torch.zeros(1, 2, 8, 8)
    forward[..., 4:] = 3.0  # the right half moves, the left does not: a boundary in between
    pair = Carry.from_flows(forward, -forward)
    assert float(pair.reliable[..., 3].max()) == 0 and float(pair.reliable[..., :3].min()) == 1


def test_flow_options_are_checked_and_default_to_medium():
    assert FlowOptions().preset == "medium" and FlowOptions().estimator().preset == "medium"
    with pytest.raises(OptionError, match="flow method"):
        FlowOptions(method="magic")
    with pytest.raises(OptionError, match="flow preset"):
        FlowOptions(preset="slowest")


def test_content_the_flow_does_not_explain_starts_afresh_but_is_no_scene_cut():
    earlier = texture()
    current = earlier.clone()
    current[..., 8:16, 10:20] = 1 - current[..., 8:16, 10:20]  # turned in place: both flows say "still"
    pair = carry(Shift(0), current, earlier)
    assert pair.occluded[..., 8:16, 10:20].all() and not pair.occluded[..., :6, :].any()
    assert torch.equal(pair.reliable, (~pair.occluded).float())
    assert pair.tracked.eq(1).all()  # the forward-backward check alone is satisfied
    assert not pair.is_cut(earlier, current)
    mirrored = earlier.flip(-1)  # same colors, most pixels differ, yet the flows (here exact: none) agree
    everywhere = carry(Shift(0), mirrored, earlier)
    assert float(everywhere.reliable.mean()) < 0.3  # would read as a cut if the cut test used ``reliable``
    assert not everywhere.is_cut(earlier, mirrored)  # it reads the flows' own check, as before


def test_between_samples_once_and_agrees_with_the_separate_checks():
    """``between`` shares one sampling between the round-trip and photometric checks: same masks as apart."""
    from videostyle.flow import photometric_mismatch

    forward = torch.zeros(2, 2, 24, 32)
    forward[:, 0] = torch.linspace(-1.5, 2.5, 32)  # a smooth stretch, leaving the frame on the right
    forward[1, 1] = 0.7
    backward = -forward
    backward[:, :, 5:11, 8:16] += 3.0  # round trips that fail there
    current = texture().expand(2, -1, -1, -1)
    earlier = current.clone()
    earlier[:, :, 14:20, 4:12] = 1 - earlier[:, :, 14:20, 4:12]  # content the flow does not explain
    together = Carry.between(forward, backward, earlier, current)
    apart = Carry.from_flows(forward, backward, photometric_mismatch(forward, earlier, current))
    for name in ("occluded", "reliable", "tracked"):
        a, b = getattr(together, name), getattr(apart, name)
        assert torch.equal(a, b), name
    assert 0 < together.reliable.mean() < 1 and together.occluded.any() and not together.occluded.all()
