"""Top activations over a folder: the strongest images first, patches around the unit's receptive field."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn

from videostyle.backbones import Backbone
from videostyle.errors import InputError, OptionError
from videostyle.media import write_image
from videostyle.progress import FrameProgress
from videostyle.visualize.top_activations import support_box, top_activations, top_activations_figure

from .nets import identity_normalize


def red_detector() -> Backbone:
    """Channel 0 = ReLU(red - (green + blue) / 2), then a 3x3 box sum: a 'red blob' unit with a 3x3 field."""
    pick = nn.Conv2d(3, 1, 1, bias=False)
    box = nn.Conv2d(1, 1, 3, padding=1, bias=False)
    with torch.no_grad():
        pick.weight.copy_(torch.tensor([1.0, -0.5, -0.5]).view(1, 3, 1, 1))
        box.weight.fill_(1.0)
    return Backbone("red", [("pick", nn.Sequential(pick, nn.ReLU())), ("blob", box)], identity_normalize())


def write_red_square(path: Path, red: float, y: int, x: int) -> None:
    image = torch.full((1, 3, 32, 32), 0.5)
    image[0, 0, y : y + 2, x : x + 2] = red
    write_image(image, path)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write_red_square(tmp_path / "a.png", 0.7, 5, 5)
    write_red_square(tmp_path / "b.png", 1.0, 20, 10)
    write_red_square(tmp_path / "c.png", 0.9, 12, 25)
    (tmp_path / "notes.txt").write_text("not an image")
    return tmp_path


def run(events):
    progress = []
    while True:
        try:
            progress.append(next(events))
        except StopIteration as done:
            return progress, done.value


def test_strongest_images_come_first_with_their_patches(folder: Path) -> None:
    progress, found = run(top_activations(red_detector(), folder, "blob", 0, count=2, size=32))
    assert [p.done for p in progress] == [1, 2, 3] and all(isinstance(p, FrameProgress) for p in progress)
    assert [a.path.name for a in found] == ["b.png", "c.png"]
    assert found[0].value > found[1].value > 0
    y0, y1, x0, x1 = found[0].box
    assert y0 <= 20 and y1 >= 22 and x0 <= 10 and x1 >= 12  # the red square is inside the patch
    assert y1 - y0 <= 8 + 2 and x1 - x0 <= 8 + 2  # and the patch is about the receptive field, not the image
    assert found[0].patch.shape == found[0].projection.shape == (1, 3, y1 - y0, x1 - x0)
    figure = top_activations_figure(found, cell=16)
    assert figure.shape == (1, 3, 4 + 2 * (16 + 4), 2 * (4 + 16 + 4) - 4)  # projections | patches, one column each


def test_support_box_grows_tiny_fields_to_a_visible_patch() -> None:
    projection = torch.zeros(1, 3, 20, 20)
    projection[0, 1, 10, 10] = 1.0
    y0, y1, x0, x1 = support_box(projection)
    assert y1 - y0 == 8 and x1 - x0 == 8 and y0 <= 10 < y1 and x0 <= 10 < x1


def test_folder_and_unit_errors(tmp_path: Path, folder: Path) -> None:
    with pytest.raises(InputError):
        run(top_activations(red_detector(), tmp_path / "missing", "blob", 0))
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no images"):
        run(top_activations(red_detector(), tmp_path / "empty", "blob", 0))
    with pytest.raises(OptionError, match="channels 0..0"):
        run(top_activations(red_detector(), folder, "blob", 3))
