import torch

from videostyle.objectives.chroma_tv import ChromaTV
from videostyle.objectives.tv import total_variation


def test_chroma_tv_ignores_gray_edges_and_sees_color_speckle():
    gray = torch.zeros(1, 3, 8, 8)
    gray[..., 4:] = 1.0  # a black/white edge: no chroma at all
    assert ChromaTV()(gray, {}).item() < 1e-10 and total_variation(gray).item() > 0
    speckle = torch.full((1, 3, 8, 8), 0.5)
    speckle[:, 0, ::2, ::2] = 1.0  # isolated red pixels
    assert ChromaTV()(speckle, {}).item() > 0.01
