"""Target specs, contact sheets and the layer table."""

from __future__ import annotations

import pytest
import torch

from videostyle.errors import OptionError
from videostyle.objectives import Channel, ClassLogit, LayerAmplify, Neuron
from videostyle.visualize.grid import LABEL_HEIGHT, contact_sheet
from videostyle.visualize.layers import layer_table
from videostyle.visualize.targets import parse_targets

from .nets import conv_net


def test_target_specs() -> None:
    net = conv_net()
    (cls,) = parse_targets(["class3"], net)
    assert isinstance(cls.objective, ClassLogit) and cls.objective.index == 3 and cls.label == "class3"
    (by_index,) = parse_targets(["class:2"], net)
    assert by_index.objective.index == 2
    (layer,) = parse_targets(["conv1"], net)
    assert isinstance(layer.objective, LayerAmplify)
    (channel,) = parse_targets(["conv2:7"], net)
    assert isinstance(channel.objective, Channel) and channel.objective.channel == 7 and channel.label == "conv2:7"
    several = parse_targets(["conv2:0-2", "class0"], net)
    assert [t.label for t in several] == ["conv2:0", "conv2:1", "conv2:2", "class0"]
    (neuron,) = parse_targets(["conv2:1:3:4"], net)
    assert isinstance(neuron.objective, Neuron) and (neuron.objective.y, neuron.objective.x) == (3, 4)


@pytest.mark.parametrize(
    "spec, message",
    [("conv2:8", "channels 0..7"), ("zebra", "unknown class"), ("logits", "give a class"), ("conv2:a", "integer"),
     ("conv9:1", "unknown layer"), ("conv2:1:2", "LAYER:C:Y:X"), ("class:99", "out of range")],
)  # fmt: skip
def test_bad_target_specs_say_what_to_write(spec: str, message: str) -> None:
    with pytest.raises(OptionError, match=message):
        parse_targets([spec], conv_net())


def test_contact_sheet_places_cells_in_rows_with_labels() -> None:
    images = [torch.full((1, 3, 10, 12), v) for v in (0.1, 0.2, 0.3, 0.4, 0.5)]
    sheet = contact_sheet(images, [f"#{i}" for i in range(5)], columns=3, pad=2, background=1.0)
    assert sheet.shape == (1, 3, 2 + 2 * (10 + LABEL_HEIGHT + 2), 2 + 3 * (12 + 2))
    assert torch.allclose(sheet[..., 2:12, 2:14], torch.tensor(0.1))
    second_row_y = 2 + 10 + LABEL_HEIGHT + 2
    assert torch.allclose(sheet[..., second_row_y : second_row_y + 10, 16:28], torch.tensor(0.5))
    label = sheet[..., 12 : 12 + LABEL_HEIGHT, 2:14]
    assert label.min() < 0.5  # some ink


def test_contact_sheet_resizes_to_the_cell() -> None:
    sheet = contact_sheet([torch.rand(1, 3, 30, 30), torch.rand(1, 3, 7, 9)], cell=(8, 8), pad=0)
    assert sheet.shape == (1, 3, 8, 16)


def test_layer_table_lists_every_layer_with_its_shape() -> None:
    rows = layer_table(conv_net(), size=16)
    assert [r.name for r in rows] == ["conv1", "conv2", "logits"]
    assert rows[1].shape == (8, 8, 8) and rows[1].stride == 2 and rows[2].stride is None
    assert "8 x 8 x 8" in rows[1].describe()
