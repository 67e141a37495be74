import pytest
import torch

from videostyle.errors import OptionError, WeightsError
from videostyle.flow import make_flow

from .conftest import window

SIZE = (192, 256)  # flow accuracy is only meaningful at >= 256 px


@pytest.mark.parametrize("method", ["dis", "farneback"])
def test_opencv_flow_finds_a_known_translation(texture, method):
    a = window(texture, 40, 30, SIZE)
    b = window(texture, 43, 28, SIZE)  # a(x) = b(x + (-3, 2))
    flow = make_flow(method, "cpu", "medium")(a, b)
    assert flow.shape == (1, 2, *SIZE) and flow.dtype == torch.float32
    inner = flow[..., 24:-24, 24:-24]
    assert abs(float(inner[:, 0].median()) + 3) < 0.25
    assert abs(float(inner[:, 1].median()) - 2) < 0.25


def test_both_directions_are_opposite_for_a_translation(texture):
    a, b = window(texture, 40, 30, SIZE), window(texture, 42, 31, SIZE)
    forward, backward = make_flow("dis", "cpu", "fast").both(a, b)
    inner = (forward + backward)[..., 24:-24, 24:-24]
    assert float(inner.abs().median()) < 0.2


def test_unknown_method_or_preset_is_an_option_error():
    with pytest.raises(OptionError, match="unknown flow method"):
        make_flow("lucas-kanade")
    with pytest.raises(OptionError, match="unknown flow preset"):
        make_flow("dis", preset="slowest")


def test_raft_without_local_weights_says_where_to_put_them(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    with pytest.raises(WeightsError, match="--flow-weights") as error:
        make_flow("raft", "cpu", "fast")
    assert str(tmp_path) in str(error.value) and "\n" not in str(error.value)


def test_raft_runs_from_a_local_weights_file_at_any_size(tmp_path):
    from torchvision.models.optical_flow import raft_small

    torch.manual_seed(0)
    weights = tmp_path / "raft_small.pth"
    torch.save(raft_small(weights=None).state_dict(), weights)  # random: shapes and padding, not accuracy
    estimator = make_flow("raft", "cpu", "ultrafast", weights)
    a, b = torch.rand(1, 3, 60, 90), torch.rand(1, 3, 60, 90)  # not multiples of 8
    forward, backward = estimator.both(a, b)
    assert forward.shape == backward.shape == (1, 2, 60, 90)
    assert torch.isfinite(forward).all()
    assert torch.allclose(estimator(a, b), forward, atol=1e-4)


def test_raft_rejects_a_file_for_another_model(tmp_path):
    bad = tmp_path / "bad.pth"
    torch.save({"conv.weight": torch.zeros(1)}, bad)
    with pytest.raises(WeightsError, match="do not fit"):
        make_flow("raft", "cpu", "fast", bad)


def test_the_grey_of_a_channels_last_frame_is_its_contiguous_copys_and_the_luma():
    """``gray_uint8`` mixes the planes itself (a channel sum over decoded pixels' channels-last layout cost twice as
    much): the same bytes whatever the layout, the NTSC luma within one level."""
    import numpy as np

    from videostyle.flow.estimator import gray_uint8

    pixels = torch.randint(0, 256, (1, 45, 61, 3), dtype=torch.uint8, generator=torch.Generator().manual_seed(0))
    image = pixels.permute(0, 3, 1, 2).float() / 255  # channels-last strides, as the decode thread makes them
    assert not image.is_contiguous()
    gray = gray_uint8(image)
    assert np.array_equal(gray, gray_uint8(image.contiguous()))
    expected = (pixels[0].double() @ torch.tensor([0.299, 0.587, 0.114], dtype=torch.float64)).round()
    assert gray.shape == (45, 61) and np.abs(gray.astype(int) - expected.numpy()).max() <= 1
