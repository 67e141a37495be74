"""Fixtures for fault tests: a tiny model file and helpers that check the outcome contract."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from videostyle.feedforward.johnson.model_file import ModelInfo, save_model
from videostyle.feedforward.johnson.network import NetworkConfig, StyleNetwork


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


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of good and hostile inputs, plus outputs that exist already; the tests run inside it."""
    from tests.conftest import make_clip

    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 255, (40, 60, 3), dtype=np.uint8)).save(tmp_path / "content.png")
    Image.fromarray(rng.integers(0, 255, (32, 32, 3), dtype=np.uint8)).save(tmp_path / "style.png")
    clip = make_clip(tmp_path / "clip.mp4", size=(32, 32), frames=4)
    whole = make_clip(tmp_path / "long.mp4", size=(32, 32), frames=40, audio=False).read_bytes()
    (tmp_path / "long.mp4").unlink()
    (tmp_path / "cut.mp4").write_bytes(whole[: len(whole) * 6 // 10])
    (tmp_path / "garbage.png").write_bytes(rng.integers(0, 255, 500, dtype=np.uint8).tobytes())
    (tmp_path / "garbage.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + rng.integers(0, 255, 500, dtype=np.uint8).tobytes())
    (tmp_path / "empty.mp4").write_bytes(b"")
    (tmp_path / "text.mp4").write_text("not a video\n")
    (tmp_path / "garbage.safetensors").write_bytes(b"\xff" * 64)
    torch.manual_seed(0)
    network = StyleNetwork(NetworkConfig(styles=1, width=0.125))
    save_model(network, ModelInfo(network.config, ("a",), "tiny", {}), tmp_path / "m.safetensors")
    with torch.no_grad():
        next(network.parameters()).fill_(float("nan"))
    save_model(network, ModelInfo(network.config, ("a",), "tiny", {}), tmp_path / "nan.safetensors")
    torch.save({"step": 1, "network": {}, "optimizer": {}, "identity": {}}, tmp_path / "m.ckpt")
    (tmp_path / "out.png").write_bytes(b"keep me")
    (tmp_path / "out.mp4").write_bytes(b"keep me too")
    (tmp_path / "dir.png").mkdir()
    (tmp_path / "file.txt").write_text("a file, not a folder")
    assert clip.is_file()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path under ``folder`` with its content (None for folders): to prove nothing changed."""
    return {str(p.relative_to(folder)): (None if p.is_dir() else p.read_bytes()) for p in sorted(folder.rglob("*"))}
