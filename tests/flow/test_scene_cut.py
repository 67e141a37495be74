import torch

from videostyle.flow import consistency_weights, histogram_distance, is_scene_cut, make_flow

from .conftest import window

SIZE = (96, 128)


def test_histogram_distance_is_zero_for_the_same_colors_and_one_for_disjoint():
    image = torch.rand(1, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    assert histogram_distance(image, image.flip(-1)) < 1e-6
    assert histogram_distance(torch.zeros(1, 3, 8, 8), torch.ones(1, 3, 8, 8)) > 0.99


def test_cut_by_flow_check_even_when_colors_match(texture):
    a = window(texture, 20, 20, SIZE)
    b = a.flip(-1).flip(-2)  # same histogram, different picture
    forward, backward = make_flow("dis", "cpu", "medium").both(b, a)
    weights = consistency_weights(forward, backward)
    assert histogram_distance(a, b) < 1e-6
    assert is_scene_cut(a, b, weights)
    assert not is_scene_cut(a, b)  # the histogram alone cannot tell


def test_pan_is_not_a_cut_but_a_change_of_picture_is(texture):
    flow = make_flow("dis", "cpu", "medium")
    a, b = window(texture, 20, 20, SIZE), window(texture, 22, 21, SIZE)
    forward, backward = flow.both(b, a)
    assert not is_scene_cut(a, b, consistency_weights(forward, backward))
    other = window(texture, 300, 200, SIZE) * 0.4  # elsewhere in the photo, darker: another shot
    forward, backward = flow.both(other, a)
    assert is_scene_cut(a, other, consistency_weights(forward, backward))
    assert is_scene_cut(a, other)


def test_histograms_count_as_histc_does() -> None:
    from videostyle.flow.scene_cut import histograms

    image = torch.rand(2, 3, 17, 23)
    image[0, 1, 0, :4] = torch.tensor([0.0, 1.0, 0.5, 31 / 32])  # the ends and bin edges
    expected = torch.stack([torch.histc(image[:, c], bins=32, min=0, max=1) for c in range(3)])
    assert torch.equal(histograms(image), expected)


def test_large_frames_are_counted_on_a_subsample_with_the_same_shares() -> None:
    from videostyle.flow.scene_cut import HISTOGRAM_PIXELS, histograms

    y, x = torch.meshgrid(torch.linspace(0, 1, 300), torch.linspace(0, 1, 400), indexing="ij")
    image = torch.stack([x, y * x, (torch.sin(40 * x) * torch.cos(30 * y) + 1) / 2])[None]
    counted = histograms(image)
    full = torch.stack([torch.histc(c, 32, 0, 1) for c in image[0]])
    assert HISTOGRAM_PIXELS <= counted.sum(1).min() < 300 * 400 / 2  # a subsample, not every pixel
    assert (counted / counted.sum(1, keepdim=True) - full / full.sum(1, keepdim=True)).abs().sum(1).max() < 0.05
