import pytest
import torch
import torch.nn.functional as F


@pytest.fixture(scope="session")
def texture() -> torch.Tensor:
    """The astronaut photo at 2x the test frame size (192x256): detailed enough for flow at >= 96 px."""
    from skimage import data

    photo = torch.from_numpy(data.astronaut().copy()).permute(2, 0, 1)[None].float() / 255
    return F.interpolate(photo, size=(384, 512), mode="bilinear", antialias=True, align_corners=False)


def window(texture: torch.Tensor, x: int, y: int, size: tuple[int, int]) -> torch.Tensor:
    """The (h, w) crop of ``texture`` whose top-left corner is (x, y): frames of an exact integer pan."""
    h, w = size
    return texture[..., y : y + h, x : x + w].contiguous()
