"""Fixtures for fault tests: a tiny model file and helpers that check the outcome contract."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from videostyle.feedforward.model_file import ModelInfo, save_model
from videostyle.feedforward.network import NetworkConfig, StyleNetwork


@pytest.fixture
def tiny_model(tmp_path: Path) -> Path:
    """A randomly initialised one-style network of the smallest width."""
    torch.manual_seed(0)
    network = StyleNetwork(NetworkConfig(styles=1, width=0.125))
    return save_model(network, ModelInfo(network.config, ("a",), "tiny", {}), tmp_path / "m.safetensors")


def leftovers(folder: Path) -> list[str]:
    """Hidden temporaries (``.NAME.<pid>...part...``) still in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and ".part" in p.name)


@pytest.fixture
def style_png(tmp_path: Path) -> Path:
    path = tmp_path / "style.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (32, 32, 3), dtype=np.uint8)).save(path)
    return path
