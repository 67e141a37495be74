"""The converted-weights cache: converted once, read after, converted again when stale or damaged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch
from torch import nn

from videostyle.feedforward.builtin.converted import converted, copy_path


@pytest.fixture
def source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VIDEOSTYLE_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "net.onnx"
    path.write_bytes(b"weights v1")
    return path


class Filler:
    """Counts conversions; fills a layer with ``value``."""

    def __init__(self, value: float) -> None:
        self.value, self.calls = value, 0

    def __call__(self, network: nn.Linear) -> nn.Linear:
        self.calls += 1
        with torch.no_grad():
            network.weight.fill_(self.value), network.bias.fill_(-self.value)
        return network


def load(source: Path, fill: Filler) -> nn.Linear:
    return converted("net", [source], lambda: nn.Linear(3, 2), fill)


def test_converted_once_then_read(source: Path) -> None:
    fill = Filler(0.5)
    first, second = load(source, fill), load(source, fill)
    assert fill.calls == 1 and copy_path("net", [source]).is_file()
    assert torch.equal(second.weight, torch.full((2, 3), 0.5)) and torch.equal(second.bias, torch.full((2,), -0.5))
    assert not second.training and not second.weight.requires_grad and torch.equal(first.weight, second.weight)


def test_a_changed_source_is_converted_again(source: Path) -> None:
    load(source, Filler(0.5))
    source.write_bytes(b"weights version 2")  # a reinstalled package: another size and time
    os.utime(source, ns=(1, 1))
    again = Filler(2.0)
    assert torch.equal(load(source, again).weight, torch.full((2, 3), 2.0)) and again.calls == 1


def test_a_damaged_copy_is_converted_again(source: Path) -> None:
    load(source, Filler(0.5))
    copy_path("net", [source]).write_bytes(b"half a file")
    again = Filler(0.5)
    assert torch.equal(load(source, again).weight, torch.full((2, 3), 0.5)) and again.calls == 1
    assert torch.load(copy_path("net", [source]), weights_only=True)["weight"].shape == (2, 3)  # rewritten whole


def test_a_folder_that_cannot_be_written_only_costs_the_conversion(source: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = source.parent / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("VIDEOSTYLE_CACHE", str(blocker))
    fill = Filler(0.5)
    load(source, fill), load(source, fill)
    assert fill.calls == 2 and not list(source.parent.glob("**/*.part"))
