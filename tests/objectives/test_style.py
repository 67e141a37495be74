import torch

from videostyle.objectives import ContentLoss, StyleLoss, blended_grams, gram, relative_mse, total_variation


def test_gram_is_channel_correlation_averaged_over_positions():
    f = torch.tensor([[[[1.0, 2.0]], [[3.0, 4.0]]]])  # N=1, C=2, H=1, W=2
    assert torch.equal(gram(f), torch.tensor([[[2.5, 5.5], [5.5, 12.5]]]))


def test_gram_does_not_depend_on_image_size_for_a_repeated_pattern():
    f = torch.rand(1, 4, 3, 3)
    assert torch.allclose(gram(f), gram(f.repeat(1, 1, 2, 2)), atol=1e-6)


def test_blended_grams_are_weighted_averages():
    a, b = {"l": torch.zeros(1, 2, 2)}, {"l": torch.ones(1, 2, 2)}
    assert torch.allclose(blended_grams([a, b], [3, 1])["l"], torch.full((1, 2, 2), 0.25))


def test_losses_are_zero_at_the_target_and_scale_free():
    target = torch.rand(1, 3, 4, 4)
    assert ContentLoss("l", target)(None, {"l": target}).item() == 0
    assert torch.isclose(relative_mse(2 * target, target), torch.tensor(1.0))
    assert torch.isclose(relative_mse(20 * target, 10 * target), relative_mse(2 * target, target))
    style = StyleLoss({"l": gram(target)})
    assert style(None, {"l": target}).item() < 1e-12 and style(None, {"l": 2 * target}).item() > 1


def test_total_variation_of_known_images():
    flat = torch.ones(1, 3, 5, 5)
    assert total_variation(flat).item() == 0
    stripes = torch.zeros(1, 1, 4, 4)
    stripes[..., ::2] = 1  # vertical stripes: every horizontal difference is 1, vertical ones 0
    assert total_variation(stripes).item() == 1.0
