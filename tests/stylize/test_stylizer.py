from dataclasses import replace

import pytest
import torch

from videostyle.backbones import load_backbone
from videostyle.errors import OptionError
from videostyle.stylize import StyleOptions, Stylizer
from videostyle.optim import RatedPixelImage
from videostyle.optim.pyramid import PyramidImage
from videostyle.stylize.stylizer import scale_pyramid
from videostyle.color import TONE_SHARE, join_chroma, luminance, match_mixed, match_tones, rgb_to_yiq, yiq_to_rgb
from videostyle.progress import drain
from videostyle.objectives.structure import LumaStructure


@pytest.fixture(scope="module")
def lite0():
    return load_backbone("efficientnet-lite0", "cpu")


def style_of(stylizer: Stylizer, image: torch.Tensor) -> float:
    loss = stylizer.style_loss(image)
    return float(loss(image, stylizer.backbone(image, loss.layers)))


def test_style_transfer_lowers_the_style_loss_substantially(photo, stripes, lite0):
    stylizer = Stylizer([stripes], StyleOptions(steps=100), torch.device("cpu"), backbone=lite0)
    steps = stylizer.run(photo)
    first = next(steps)
    result = drain(steps)
    assert result.shape == photo.shape and 0 <= result.min() and result.max() <= 1
    before, after = style_of(stylizer, photo), style_of(stylizer, result)
    assert after < 0.3 * before, (before, after)
    assert first.parts["style"] > 0 and first.parts["content"] >= 0
    # the content is still there: the result is far closer to the photo than the style is
    assert (result - photo).abs().mean() < (torch.nn.functional.interpolate(stripes, size=(64, 96)) - photo).abs().mean()


def test_scale_pyramid_halves_and_keeps_coarse_scales_meaningful():
    assert scale_pyramid((300, 512), 3) == [(75, 128), (150, 256), (300, 512)]
    assert scale_pyramid((300, 512), 4) == [(75, 128), (150, 256), (300, 512)]  # 38x64 would be skipped
    assert scale_pyramid((60, 90), 3) == [(60, 90)]


def test_lbfgs_and_multiscale_run_and_reach_full_size(photo, stripes, lite0):
    opts = StyleOptions(steps=4, optimizer="lbfgs", scales=2)
    steps = []
    photo = torch.nn.functional.interpolate(photo, size=(160, 256), mode="bilinear", align_corners=False)
    gen = Stylizer([stripes], opts, torch.device("cpu"), backbone=lite0).run(photo)
    try:
        while True:
            steps.append(next(gen))
    except StopIteration as stop:
        result = stop.value
    assert result.shape == photo.shape
    assert [s.index for s in steps] == list(range(8)) and steps[0].total == 8
    assert steps[0].param().shape[-2:] == (80, 128)  # the coarse scale came first


def test_preserve_color_keeps_the_content_chroma(photo, stripes, lite0):
    opts = StyleOptions(steps=5, preserve_color=True)
    result = drain(Stylizer([stripes], opts, torch.device("cpu"), backbone=lite0).run(photo))
    yiq_result, yiq_photo = rgb_to_yiq(result), rgb_to_yiq(photo)
    inside = (result > 0.01).all(1, keepdim=True) & (result < 0.99).all(1, keepdim=True)  # unclipped pixels
    diff = (yiq_result[:, 1:] - yiq_photo[:, 1:]).abs()
    assert diff[inside.expand_as(diff)].max() < 1e-4
    assert (yiq_result[:, :1] - yiq_photo[:, :1]).abs().mean() > 1e-3  # luminance did change


def test_color_helpers_are_consistent(photo):
    assert torch.allclose(yiq_to_rgb(rgb_to_yiq(photo)), photo, atol=1e-5)
    gray = luminance(photo)
    assert torch.equal(gray[:, 0], gray[:, 1]) and torch.allclose(join_chroma(photo, photo), photo, atol=1e-5)


def test_style_blend_weights_must_match_the_styles(stripes, lite0):
    with pytest.raises(OptionError, match="2 values for 1 style"):
        Stylizer([stripes], StyleOptions(style_weights=(0.5, 0.5)), torch.device("cpu"), backbone=lite0)


def test_blend_moves_the_target_between_styles(photo, stripes, lite0):
    other = stripes.flip(1)  # blue/red swapped
    cpu = torch.device("cpu")
    gram = StyleOptions(style_loss="gram")
    only_a = Stylizer([stripes, other], replace(gram, style_weights=(1, 0)), cpu, backbone=lite0).style_loss(photo)
    mixed = Stylizer([stripes, other], replace(gram, style_weights=(1, 1)), cpu, backbone=lite0).style_loss(photo)
    pure = Stylizer([stripes], gram, cpu, backbone=lite0).style_loss(photo)
    assert torch.allclose(only_a.target0, pure.target0)
    assert not torch.allclose(mixed.target0, pure.target0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"steps": 0}, "steps"),
        ({"style_weight": float("nan")}, "finite"),
        ({"content_weight": -1.0}, "content-weight"),
        ({"content_weight": 0.0, "style_weight": 0.0}, "nothing to optimize"),
        ({"style_scale": 100.0}, "style-scale"),
        ({"init": "warp"}, "unknown init"),
        ({"backbone": "alexnet"}, "unknown backbone"),
        ({"style_weights": (-1.0, 2.0)}, "style-weights"),
        ({"style_loss": "vgg"}, "unknown style loss"),
        ({"style_strength": 3.0}, "style-strength"),
        ({"parameterization": "fourier"}, "unknown parameterization"),
        ({"chroma_tv_weight": -1.0}, "chroma-tv-weight"),
        ({"palette": "reinhard"}, "unknown palette"),
        ({"structure_weight": -1.0}, "structure-weight"),
    ],
)
def test_absurd_options_are_rejected(kwargs, message):
    with pytest.raises(OptionError, match=message):
        StyleOptions(**kwargs)


def test_style_strength_moves_style_and_tv_weights_together_on_a_log_scale():
    default = StyleOptions()
    assert StyleOptions(style_strength=1.0).loss_weights == default.loss_weights
    strong, faint = StyleOptions(style_strength=1.25).loss_weights, StyleOptions(style_strength=0.75).loss_weights
    for s, d, f in zip(strong, default.loss_weights, faint):
        assert s == pytest.approx(10 * d) and f == pytest.approx(d / 10)


def test_a_stronger_dial_ends_further_from_the_content(photo, stripes, lite0):
    def distance(strength: float) -> float:
        opts = StyleOptions(steps=20, style_strength=strength, color_init=False)
        return float((drain(Stylizer([stripes], opts, torch.device("cpu"), backbone=lite0).run(photo)) - photo).abs().mean())

    assert distance(1.0) > 1.5 * distance(0.0)


def test_the_dial_trades_the_subjects_structure_for_style_in_order(photo, stripes, lite0):
    """Issue 25: lower strength keeps more of the content's luminance structure (measured at a blur the term does not use)."""
    measure = LumaStructure(photo, blur=2.0, window=4.0)

    def lost(strength: float) -> float:
        opts = StyleOptions(steps=15, style_strength=strength, seed=0)
        return float(measure(drain(Stylizer([stripes], opts, torch.device("cpu"), backbone=lite0).run(photo)), {}))

    faint, middle, strong = lost(0.25), lost(0.75), lost(1.25)
    assert faint < middle < strong


def test_the_structure_term_holds_the_subject(photo, stripes, lite0):
    def lost(weight: float) -> float:
        opts = StyleOptions(steps=15, structure_weight=weight, seed=0)
        result = drain(Stylizer([stripes], opts, torch.device("cpu"), backbone=lite0).run(photo))
        return float(LumaStructure(photo, blur=2.0, window=4.0)(result, {}))

    assert lost(StyleOptions().structure_weight) < 0.8 * lost(0.0)


@pytest.mark.parametrize("kind", ["gram", "meancov", "smoothed", "sliced"])
def test_every_style_loss_builds_and_runs(photo, stripes, lite0, kind):
    stylizer = Stylizer([stripes, photo], StyleOptions(steps=2, style_loss=kind), torch.device("cpu"), backbone=lite0)
    result = drain(stylizer.run(photo))
    assert result.shape == photo.shape and torch.isfinite(result).all()


def test_color_init_starts_in_the_styles_palette_unless_colors_are_kept(photo, stripes, lite0):
    cpu = torch.device("cpu")
    start = Stylizer([stripes], StyleOptions(), cpu, backbone=lite0).initial(photo)
    assert (start.mean((2, 3)) - stripes.mean((2, 3))).abs().max() < 0.1
    assert (photo.mean((2, 3)) - stripes.mean((2, 3))).abs().max() > 0.2
    kept = Stylizer([stripes], StyleOptions(preserve_color=True), cpu, backbone=lite0).initial(photo)
    assert torch.equal(kept, photo)


def test_the_dial_above_1_starts_from_more_of_the_paintings_tones(photo, stripes, lite0):
    cpu = torch.device("cpu")
    start = {s: Stylizer([stripes], StyleOptions(style_strength=s), cpu, backbone=lite0).initial(photo) for s in (None, 1.0, 1.5)}
    assert torch.equal(start[None], start[1.0]) and torch.equal(start[None], match_mixed(photo, [stripes]))
    assert torch.allclose(start[1.5], match_tones(photo, [stripes]))
    assert [StyleOptions(style_strength=s).tone_share for s in (0.25, 1.0, 1.25, 1.5)] == [TONE_SHARE, TONE_SHARE, 0.75, 1.0]


@pytest.mark.parametrize(("optimizer", "rates"), [("adam", [0.02, 0.01]), ("lbfgs", [1.0, 1.0])])
def test_finer_scales_refine_with_smaller_adam_steps(photo, stripes, lite0, monkeypatch, optimizer, rates):
    import videostyle.stylize.stylizer as stylizer_module

    seen = []
    real = stylizer_module.make_optimizer
    monkeypatch.setattr(stylizer_module, "make_optimizer", lambda name, params, lr: seen.append(lr) or real(name, params, lr))
    big = torch.nn.functional.interpolate(photo, scale_factor=3, mode="bilinear")  # 192x288: scales 144 and 288
    drain(Stylizer([stripes], StyleOptions(steps=1, scales=2, optimizer=optimizer), torch.device("cpu"), backbone=lite0).run(big))
    assert seen == pytest.approx(rates)


@pytest.mark.parametrize("parameterization, kind", [("pyramid", PyramidImage), ("pixels", RatedPixelImage)])
def test_a_warm_frame_keeps_its_parameterization_with_per_pixel_rates(stripes, lite0, parameterization, kind):
    stylizer = Stylizer([stripes], StyleOptions(parameterization=parameterization), torch.device("cpu"), backbone=lite0)
    rate = torch.full((1, 1, 8, 8), 0.25)
    rate[..., :4] = 1.0  # newly visible pixels move at the full rate
    param = stylizer.parameterize(torch.full((1, 3, 8, 8), 0.5), rate)
    assert isinstance(param, kind)
    with torch.no_grad():
        for p in param.parameters():
            p.fill_(0.2)
    moved = (param() - 0.5)[0, 0]
    assert torch.allclose(moved[:, :4] * 0.25, moved[:, 4:])  # each pixel moves in proportion to its rate
