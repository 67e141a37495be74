"""The one coarse-to-fine driver: sizes in order, steps numbered as one run, results or detail carried up."""

import pytest
import torch

from videostyle.optim import DetailCarry, ResultCarry, Step, coarse_to_fine
from videostyle.optim.params import PixelImage
from videostyle.progress import drain


def fake_run(change, seen, steps=2):
    """A scale run that records (index, size, start) and returns change(start at size)."""

    def run(start, k, size):
        seen.append((k, size, start))
        for i in range(steps):
            yield Step(i, steps, PixelImage(torch.zeros(1, 3, 2, 2)), torch.tensor(0.0), {})
        return change(start, size)

    return run


def test_steps_are_numbered_as_one_run():
    seen = []
    run = coarse_to_fine([(4, 4), (8, 8), (16, 16)], 2, ResultCarry(None), fake_run(lambda s, size: torch.zeros(1, 3, *size), seen))
    steps = []
    while True:
        try:
            steps.append(next(run))
        except StopIteration as done:
            result = done.value
            break
    assert [(s.index, s.total) for s in steps] == [(i, 6) for i in range(6)]
    assert result.shape[-2:] == (16, 16)


def test_result_carry_hands_each_size_the_previous_result():
    seen = []
    init = torch.full((1, 3, 16, 16), 0.25)
    result = drain(coarse_to_fine([(4, 4), (8, 8)], 1, ResultCarry(init), fake_run(lambda s, size: torch.full((1, 3, *size), size[0] / 10), seen)))
    assert seen[0][2] is init
    assert torch.equal(seen[1][2], torch.full((1, 3, 4, 4), 0.4))
    assert torch.equal(result, torch.full((1, 3, 8, 8), 0.8))


def test_detail_carry_reinjects_the_detail_at_every_size():
    image = torch.full((1, 3, 80, 100), 0.2)
    seen = []
    sizes = [(41, 51), (57, 71), (80, 100)]
    result = drain(coarse_to_fine(sizes, 1, DetailCarry(image, sizes[0]), fake_run(lambda s, size: s + 0.1, seen)))
    assert [(k, size) for k, size, _ in seen] == list(enumerate(sizes))
    # each size starts from the image plus all the detail dreamed below it
    assert [round(float(start.mean()), 4) for _, _, start in seen] == [0.2, 0.3, 0.4]
    assert torch.allclose(result, torch.full_like(image, 0.5), atol=1e-5)


def test_an_identity_run_with_detail_carry_returns_the_image():
    image = torch.rand(1, 3, 50, 70)
    sizes = [(30, 42), (38, 54), (50, 70)]
    result = drain(coarse_to_fine(sizes, 1, DetailCarry(image, sizes[0]), fake_run(lambda s, size: s, [])))
    assert torch.allclose(result, image, atol=1e-6)


def test_no_sizes_is_an_error():
    with pytest.raises(ValueError):
        drain(coarse_to_fine([], 1, ResultCarry(None), fake_run(lambda s, size: s, [])))
