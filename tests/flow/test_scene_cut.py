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
