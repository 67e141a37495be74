import torch

from videostyle.flow import consistency_weights, disocclusions, motion_boundaries, photometric_mismatch

H, W = 32, 48
TOP, BOTTOM, LEFT, RIGHT = 8, 20, 10, 22  # the square in the earlier frame


def square_moving_right(step: int = 4) -> tuple[torch.Tensor, torch.Tensor]:
    """Exact flows for a square that moves ``step`` px right over a still background.

    Returns (forward, backward) for warping the earlier frame into the later one: forward lives on the
    later frame's grid and points into the earlier frame, backward the other way.
    """
    forward = torch.zeros(1, 2, H, W)
    forward[0, 0, TOP:BOTTOM, LEFT + step : RIGHT + step] = -step  # the square, where it is now
    backward = torch.zeros(1, 2, H, W)
    backward[0, 0, TOP:BOTTOM, LEFT:RIGHT] = step  # the square, where it was
    return forward, backward


def test_pure_translation_is_reliable_inside_the_frame():
    flow = torch.zeros(1, 2, H, W)
    flow[:, 0] = 3.0
    weights = consistency_weights(flow, -flow)
    assert weights.shape == (1, 1, H, W) and weights.dtype == torch.float32
    assert weights[..., :, : W - 3].eq(1).all()
    assert weights[..., :, W - 3 :].eq(0).all()  # leads out of the frame


def test_synthetic_occlusion_marks_the_uncovered_strip():
    forward, backward = square_moving_right(step=4)
    occluded = disocclusions(forward, backward)[0, 0]
    # In the later frame, the strip the square has just left shows background never seen before.
    assert occluded[TOP:BOTTOM, LEFT : LEFT + 4].all()
    assert not occluded[:TOP].any() and not occluded[BOTTOM:].any()
    assert not occluded[TOP:BOTTOM, LEFT + 5 : RIGHT + 4].any()  # the square itself is tracked
    assert not occluded[:, RIGHT + 5 :].any()


def test_motion_boundaries_follow_the_edges_of_the_moving_square():
    forward, _ = square_moving_right(step=4)
    edges = motion_boundaries(forward)[0, 0]
    assert edges[TOP:BOTTOM, LEFT + 3].all() and edges[TOP:BOTTOM, RIGHT + 3].all()
    assert edges[TOP - 1, LEFT + 4 : RIGHT + 4].all()
    assert not edges[:TOP - 1].any() and not edges[TOP + 1 : BOTTOM - 1, LEFT + 5 : RIGHT + 2].any()


def test_weights_combine_both_tests():
    forward, backward = square_moving_right(step=4)
    weights = consistency_weights(forward, backward)[0, 0]
    unreliable = disocclusions(forward, backward)[0, 0] | motion_boundaries(forward)[0, 0]
    assert torch.equal(weights == 0, unreliable)
    assert 0.8 < float(weights.mean()) < 0.95


def stripes(h: int = H, w: int = W, phase: float = 0.0) -> torch.Tensor:
    x = torch.arange(w, dtype=torch.float32).expand(h, w)
    channels = [0.5 + 0.4 * torch.sin(x / 2 + phase), 0.5 + 0.4 * torch.cos(x / 3), torch.full((h, w), 0.5)]
    return torch.stack(channels)[None]


def test_photometric_mismatch_marks_texture_that_changes_in_place_under_zero_flow():
    earlier = stripes()
    current = earlier.clone()
    current[..., 10:20, 12:24] = stripes(phase=3.0)[..., 10:20, 12:24]  # a patch whose texture turned
    still = torch.zeros(1, 2, H, W)
    mismatch = photometric_mismatch(still, earlier, current)[0, 0]
    changed = (current - earlier).abs().mean(1)[0] > 0.1
    assert mismatch[changed].all()  # the flow says "nothing moved" and both flows agree: only the content tells
    assert not mismatch[:8].any() and not mismatch[22:].any() and not mismatch[:, 26:].any()
    near = torch.nn.functional.max_pool2d(changed.float()[None, None], 3, 1, 1)[0, 0] > 0
    assert not mismatch[~near].any()  # dilated by one pixel, no more


def test_photometric_mismatch_trusts_a_correct_translation_and_leaves_the_border_to_disocclusions():
    earlier = stripes()
    current = torch.roll(earlier, 3, -1)  # moved 3 px right
    flow = torch.zeros(1, 2, H, W)
    flow[:, 0] = -3.0
    mismatch = photometric_mismatch(flow, earlier, current)
    assert not mismatch.any()  # the first 3 columns come from outside the frame: disocclusions' business
    assert photometric_mismatch(torch.zeros_like(flow), earlier, current).any()  # the wrong flow is caught


def test_dilate_grows_a_mask_by_its_3x3_neighbourhood_as_max_pooling_does():
    import torch.nn.functional as F

    from videostyle.flow.consistency import dilate

    mask = torch.rand(2, 3, 9, 13, generator=torch.Generator().manual_seed(0)) > 0.9
    mask[0, 0, 0, 0] = mask[1, 2, -1, -1] = True  # corners
    expected = F.max_pool2d(mask.float(), 3, stride=1, padding=1) > 0
    assert torch.equal(dilate(mask), expected) and dilate(mask).sum() > mask.sum()
    assert torch.equal(dilate(mask.float()), expected.float())  # the checks' float masks (0/1) grow alike
