"""Inversion and texture synthesis on a tiny network: their losses fall within a few steps."""

from __future__ import annotations

import pytest
import torch

from videostyle.errors import OptionError
from videostyle.visualize.invert import InvertOptions, invert, invert_layers
from videostyle.visualize.texture import TextureOptions, synthesize_texture

from .nets import conv_net


def losses_and_result(run) -> tuple[list[dict[str, float]], torch.Tensor]:
    parts = []
    while True:
        try:
            parts.append(next(run).parts)
        except StopIteration as done:
            return parts, done.value


def photo() -> torch.Tensor:
    ys, xs = torch.meshgrid(torch.linspace(0, 1, 16), torch.linspace(0, 1, 16), indexing="ij")
    return torch.stack([xs, ys, 1 - xs]).unsqueeze(0)


@pytest.mark.parametrize("layer", ["conv1", "conv2"])
def test_inversion_brings_the_features_closer(layer: str) -> None:
    parts, image = losses_and_result(invert(conv_net(), photo(), layer, InvertOptions(steps=8, tv_weight=1.0, seed=0)))
    assert parts[-1]["content"] < 0.7 * parts[0]["content"]
    assert set(parts[0]) == {"content", "pnorm", "tv"}
    assert image.shape == photo().shape


def test_inverting_several_layers_numbers_steps_across_them() -> None:
    run = invert_layers(conv_net(), photo(), ["conv1", "conv2"], InvertOptions(steps=3, seed=0))
    indices = []
    while True:
        try:
            step = next(run)
            indices.append((step.index, step.total))
        except StopIteration as done:
            images = done.value
            break
    assert indices == [(i, 6) for i in range(6)] and len(images) == 2


def test_texture_matches_the_style_statistics_better_and_has_any_size() -> None:
    style = photo()
    options = TextureOptions(steps=8, lr=0.05, tv_weight=0.0, seed=0)
    parts, texture = losses_and_result(synthesize_texture(conv_net(), style, (12, 20), ["conv1", "conv2"], options))
    assert texture.shape == (1, 3, 12, 20)
    assert parts[-1]["style"] < 0.7 * parts[0]["style"]


def test_bad_settings_are_option_errors() -> None:
    with pytest.raises(OptionError):
        InvertOptions(tv_operator="laplace")
    with pytest.raises(OptionError):
        InvertOptions(optimizer="normalized")
    with pytest.raises(OptionError):
        TextureOptions(steps=0)
    with pytest.raises(OptionError):
        list(invert_layers(conv_net(), photo(), ["conv9"]))
