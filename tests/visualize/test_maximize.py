"""Activation maximization on a tiny network: every kind of target goes up, priors and hooks do their job."""

from __future__ import annotations

import pytest
import torch

from videostyle.errors import OptionError
from videostyle.objectives import Channel, ClassLogit, LayerAmplify, Neuron, Objective
from videostyle.progress import drain
from videostyle.visualize.maximize import MaximizeOptions, maximize

from .nets import conv_net

STILL = dict(jitter=0, jitter_scale=0.0, jitter_rotate=0.0, size=16, tile=16, seed=3)


def value(target: Objective, net, image: torch.Tensor) -> float:
    with torch.no_grad():
        return float(target(image, net(image, target.layers)))


def first_and_result(net, target: Objective, options: MaximizeOptions) -> tuple[float, torch.Tensor]:
    run = maximize(net, target, options)
    first = next(run)
    return -first.loss, drain(run)  # the first step's loss is measured before any update


@pytest.mark.parametrize("param", ["pixels", "fourier"])
@pytest.mark.parametrize(
    "target", [ClassLogit(1), Channel("conv2", 3), LayerAmplify("conv1"), "neuron"], ids=lambda t: getattr(t, "name", t)
)
def test_every_target_increases_within_a_few_steps(param: str, target: Objective | str) -> None:
    net = conv_net()
    if target == "neuron":  # a unit that is on for a grey image, so that it has a gradient to climb
        fmap = net(torch.full((1, 3, 16, 16), 0.5), ["conv2"])["conv2"][0]
        c, y, x = (int(i) for i in torch.nonzero(fmap == fmap.max())[0])
        target = Neuron("conv2", c, y, x)
    options = MaximizeOptions(steps=6, param=param, lr=0.05, **STILL)
    before, image = first_and_result(net, target, options)
    assert image.shape == (1, 3, 16, 16) and 0 <= image.min() and image.max() <= 1
    assert value(target, net, image) > before + 1e-4


@pytest.mark.parametrize("optimizer", ["sgd", "rmsprop"])
def test_other_optimizers_and_priors_also_climb(optimizer: str) -> None:
    net = conv_net()
    options = MaximizeOptions(
        steps=6, param="pixels", optimizer=optimizer, lr=0.02 if optimizer == "rmsprop" else 2.0, l2=0.01, p_norm_weight=0.01,
        p_norm_aux_weight=0.01, p_norm_aux=2.0, tv_weight=0.01, tv_operator="sobel", tv_beta=1.5, lr_decay_every=2, **STILL,
    )  # fmt: skip
    before, image = first_and_result(net, ClassLogit(2), options)
    assert value(ClassLogit(2), net, image) > before


def test_priors_appear_in_the_progress_breakdown() -> None:
    options = MaximizeOptions(steps=2, param="pixels", l2=1.0, p_norm_weight=1.0, p_norm_aux_weight=1.0, tv_weight=1.0, **STILL)
    step = next(maximize(conv_net(), ClassLogit(0), options))
    assert set(step.parts) == {"class", "l2", "pnorm", "pnorm_aux", "tv"}


def test_multiscale_with_tiles_reaches_the_final_size() -> None:
    options = MaximizeOptions(steps=2, size=24, start_size=16, scales=2, tile=16, param="pixels", seed=0)
    run = maximize(conv_net(), Channel("conv2", 1), options)
    steps = []
    while True:
        try:
            steps.append(next(run))
        except StopIteration as done:
            image = done.value
            break
    assert [s.index for s in steps] == [0, 1, 2, 3] and {s.total for s in steps} == {4}
    assert image.shape == (1, 3, 24, 24)
    assert options.sizes() == [(16, 16), (24, 24)]


def test_start_image_keeps_its_aspect_ratio() -> None:
    init = torch.rand(1, 3, 20, 40)
    image = drain(maximize(conv_net(), ClassLogit(0), MaximizeOptions(steps=1, size=32, tile=32, seed=0), init))
    assert image.shape == (1, 3, 16, 32)


def test_same_seed_same_picture_langevin_noise_makes_samples_differ() -> None:
    net = conv_net()
    base = dict(steps=3, param="pixels", optimizer="sgd", lr=1.0, size=16, tile=16)
    a = drain(maximize(net, ClassLogit(0), MaximizeOptions(seed=1, **base)))
    b = drain(maximize(net, ClassLogit(0), MaximizeOptions(seed=1, **base)))
    torch.testing.assert_close(a, b)
    noisy = [drain(maximize(net, ClassLogit(0), MaximizeOptions(seed=s, langevin_noise=0.05, **base))) for s in (1, 2)]
    assert (noisy[0] - noisy[1]).abs().mean() > 0.01


def test_bad_options_are_option_errors() -> None:
    with pytest.raises(OptionError):
        MaximizeOptions(param="wavelets")  # type: ignore[arg-type]
    with pytest.raises(OptionError):
        MaximizeOptions(optimizer="lbfgs")
    with pytest.raises(OptionError):
        MaximizeOptions(blur=1.0)  # blur needs pixels
    with pytest.raises(OptionError):
        MaximizeOptions(tv_operator="roberts")
