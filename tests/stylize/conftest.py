import pytest
import torch
import torch.nn.functional as F


@pytest.fixture(scope="session")
def photo() -> torch.Tensor:
    """The scikit-image cat (CC0) at 64x96, a real photo with texture and edges."""
    from skimage import data

    cat = torch.from_numpy(data.chelsea().copy()).permute(2, 0, 1)[None].float() / 255
    return F.interpolate(cat, size=(64, 96), mode="bilinear", antialias=True, align_corners=False)


@pytest.fixture(scope="session")
def stripes() -> torch.Tensor:
    """A bold diagonal red/blue stripe pattern: a style whose Gram statistics a photo does not have."""
    y, x = torch.meshgrid(torch.arange(96), torch.arange(96), indexing="ij")
    band = ((x + y) // 8 % 2).float()
    return torch.stack([band, 0.1 * torch.ones_like(band), 1 - band])[None]
