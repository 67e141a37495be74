import pytest
import torch
import torch.nn.functional as F

from videostyle.backbones import IMAGENET_CLASSES, load_backbone
from videostyle.backbones.same_pad import SameConv2d, same_padding
from videostyle.errors import OptionError


@pytest.fixture(scope="module")
def lite0():
    return load_backbone("efficientnet-lite0", "cpu")


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "expected"),
    [(224, 3, 2, (0, 1)), (225, 3, 2, (1, 1)), (112, 5, 2, (1, 2)), (56, 3, 1, (1, 1)), (7, 1, 1, (0, 0))],
)
def test_same_padding_matches_tensorflow(size, kernel, stride, expected):
    assert same_padding(size, kernel, stride) == expected


def test_same_conv_output_size_is_ceil_of_input_over_stride():
    conv = SameConv2d(1, 1, 3, stride=2, bias=False)
    assert conv(torch.zeros(1, 1, 15, 16)).shape[-2:] == (8, 8)


def test_cat_photo_is_classified_as_a_cat(lite0):
    from skimage import data

    cat = torch.from_numpy(data.chelsea().copy()).permute(2, 0, 1)[None].float() / 255
    cat = F.interpolate(cat, size=(224, 224), mode="bilinear", antialias=True, align_corners=False)
    probs = lite0(cat, ["logits"])["logits"].softmax(1)[0]
    top = [IMAGENET_CLASSES[i] for i in probs.topk(3).indices]
    assert top[0] in {"tabby", "tiger cat", "Egyptian cat"}, top
    assert probs.max() > 0.5


def test_forward_returns_only_requested_layers_and_stops_early(lite0):
    calls = []
    handle = lite0.stages["block3"].register_forward_hook(lambda *a: calls.append(1))
    try:
        feats = lite0(torch.rand(1, 3, 64, 64), ["stem", "block2"])
    finally:
        handle.remove()
    assert set(feats) == {"stem", "block2"}
    assert feats["stem"].shape == (1, 32, 32, 32)
    assert feats["block2"].shape == (1, 24, 16, 16)
    assert calls == []  # nothing after block2 ran


def test_layer_shapes_and_truncation(lite0):
    shapes = lite0.layer_shapes(224)
    assert shapes["block15"] == (320, 7, 7) and shapes["head"] == (1280, 7, 7) and shapes["logits"] == (1000,)
    cut = lite0.truncated(["block4"])
    assert cut.layer_names[-1] == "block4" and len(cut.layer_names) == 6


def test_unknown_layer_is_a_clear_error(lite0):
    with pytest.raises(OptionError, match="unknown layer.*block99.*valid"):
        lite0(torch.rand(1, 3, 32, 32), ["block99"])


def test_backbone_is_frozen_and_stays_in_eval_mode(lite0):
    lite0.train()
    assert not lite0.training and not any(m.training for m in lite0.modules())
    assert not any(p.requires_grad for p in lite0.parameters())


def test_gradients_are_right_for_objectives_that_transpose_features(lite0):
    """A transposed (batch-1, permuted-stride) feature gradient used to come back wrong through CPU BatchNorm."""
    torch.manual_seed(0)
    image = torch.rand(1, 3, 32, 32)
    weights = torch.randn(16, 24)

    def gradient(copy_first: bool) -> torch.Tensor:
        x = image.clone().requires_grad_(True)
        flat = lite0(x, ["block2"])["block2"].reshape(1, 24, -1).transpose(1, 2)  # (1, 64, 24), permuted strides
        if copy_first:
            flat = flat.contiguous()  # the reference: the gradient reaching the network is contiguous
        (grad,) = torch.autograd.grad((flat @ weights.t()).pow(2).mean(), x)
        return grad

    assert torch.allclose(gradient(copy_first=False), gradient(copy_first=True), rtol=1e-4, atol=1e-6)


def test_sizes_off_the_total_stride_are_seen_mirrored_to_a_multiple_of_it_and_cut_back(lite0):
    """TF "same" padding differs with the size's parity: Lite0 sees every input padded to a multiple of 32 (as at
    224) and the features come back for the image's own cells only, the same as for the padded image cut."""
    image = torch.rand(1, 3, 53, 80, generator=torch.Generator().manual_seed(0))
    layers = lite0.layer_names[:6]
    got = lite0(image, layers)
    mirrored = lite0(F.pad(image, (0, 16, 0, 11), mode="reflect"), layers)  # 64 x 96: no padding of its own
    for name in layers:
        stride = 64 // mirrored[name].shape[-2]
        rows, cols = -(-53 // stride), -(-80 // stride)
        assert got[name].shape[-2:] == (rows, cols), name
        torch.testing.assert_close(got[name], mirrored[name][..., :rows, :cols])


def test_no_gradient_flows_back_through_the_mirrored_padding(lite0):
    """The padding is context: the image's gradient is the padded picture's, cut (not its mirror folded back
    onto the rows next to the edge, which took about 1.35x the inside's gradient: a band along the bottom)."""
    image = torch.rand(1, 3, 53, 80, generator=torch.Generator().manual_seed(0), requires_grad=True)
    lite0(image, ["block7"])["block7"].square().sum().backward()
    padded = F.pad(image.detach(), (0, 16, 0, 11), mode="reflect").requires_grad_()
    rows, cols = -(-53 // 16), -(-80 // 16)
    lite0(padded, ["block7"])["block7"][..., :rows, :cols].square().sum().backward()
    torch.testing.assert_close(image.grad, padded.grad[..., :53, :80])


def test_a_stylized_picture_off_the_total_stride_has_no_band_along_its_top():
    """At 53 rows (odd after one stride) the style term painted the top rows in saturated colors (their chroma
    1.6-1.9x the inside's at 42-170 rows before the padding); now they are like the rest."""
    from videostyle.color import rgb_to_yiq
    from videostyle.media import read_image
    from videostyle.progress import drain
    from videostyle.resize import resize
    from videostyle.stylize import StyleOptions, Stylizer

    content = resize(read_image("samples/photo.jpg"), (53, 80))
    style = read_image("samples/styles/shipwreck.jpg")
    out = drain(Stylizer([style], StyleOptions(steps=30, seed=1), torch.device("cpu")).run(content))
    chroma = rgb_to_yiq(out)[0, 1:].norm(dim=0)
    assert chroma[:2].mean() < 1.3 * chroma[3:-3, 3:-3].mean()
