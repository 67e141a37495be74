import numpy as np
import pytest
from PIL import Image


@pytest.fixture
def files(tmp_path):
    """A random 60x40 content.png and 32x32 style.png in tmp_path."""
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 255, (40, 60, 3), dtype=np.uint8)).save(tmp_path / "content.png")
    Image.fromarray(rng.integers(0, 255, (32, 32, 3), dtype=np.uint8)).save(tmp_path / "style.png")
    return tmp_path
