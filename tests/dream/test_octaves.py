import torch

from videostyle.dream.octaves import MIN_SIDE, iter_octaves, octave_sizes
from videostyle.progress import drain


def test_sizes_grow_by_the_scale_up_to_the_image():
    sizes = octave_sizes(300, 450, 4, 1.5)
    assert sizes == [(89, 133), (133, 200), (200, 300), (300, 450)]
    assert octave_sizes(300, 450, 1, 1.5) == [(300, 450)]


def test_pyramid_stops_before_tiny_images():
    sizes = octave_sizes(64, 96, 10, 2.0)
    assert sizes[-1] == (64, 96) and min(sizes[0]) >= MIN_SIDE and len(sizes) == 2


def test_detail_is_reinjected_at_every_octave():
    image = torch.full((1, 3, 80, 100), 0.2)
    seen = []

    def brighten(start, octave):
        seen.append((octave, tuple(start.shape[-2:]), float(start.mean())))
        return start + 0.1
        yield  # a generator, like the real dream

    result = drain(iter_octaves(image, octave_sizes(80, 100, 3, 1.4), brighten))
    assert [s[:2] for s in seen] == [(0, (41, 51)), (1, (57, 71)), (2, (80, 100))]
    # Each octave starts from the image plus all the detail dreamed below it.
    assert [round(s[2], 4) for s in seen] == [0.2, 0.3, 0.4]
    assert torch.allclose(result, torch.full_like(image, 0.5), atol=1e-5)


def test_an_identity_dream_returns_the_image_unchanged():
    image = torch.rand(1, 3, 50, 70)

    def same(start, octave):
        return start
        yield

    assert torch.allclose(drain(iter_octaves(image, octave_sizes(50, 70, 3, 1.3), same)), image, atol=1e-6)
