"""Batch fixtures: a folder of tiny inputs, manifests written from dicts, and a fast stand-in for the CLI."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from videostyle.batch.manifest import Job, dumps_manifest
from videostyle.feedforward.johnson.model_file import ModelInfo, save_model
from videostyle.feedforward.johnson.network import NetworkConfig, StyleNetwork

from ..conftest import make_clip

FAKE = (sys.executable, str(Path(__file__).with_name("fake_videostyle.py")))
"""Child program that stands in for ``python -m videostyle`` (see fake_videostyle.py)."""


def make_inputs(folder: Path) -> Path:
    """content.png, style.png, clip.mp4 (with audio), model.safetensors (feed-forward) and broken.mp4 (text)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 255, (40, 60, 3), dtype=np.uint8)).save(folder / "content.png")
    Image.fromarray(rng.integers(0, 255, (32, 32, 3), dtype=np.uint8)).save(folder / "style.png")
    make_clip(folder / "clip.mp4", size=(64, 48), frames=4)
    torch.manual_seed(0)
    network = StyleNetwork(NetworkConfig(styles=1, width=0.125))
    save_model(network, ModelInfo(network.config, ("style",), "tiny", {"steps": 0}), folder / "model.safetensors")
    (folder / "broken.mp4").write_text("not a video")
    return folder


def write_jobs(path: Path, jobs: list[dict], defaults: dict | None = None) -> Path:
    """Write a manifest: each job a dict with command, input, output and options."""
    entries = [Job(j["command"], j.get("input"), j["output"], {k: v for k, v in j.items() if k not in ("command", "input", "output")}) for j in jobs]
    text = dumps_manifest(defaults or {}, entries)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    return make_inputs(tmp_path / "in")


@pytest.fixture
def image_jobs(inputs: Path) -> Callable[..., Path]:
    """Factory: a manifest in the inputs folder of ``n`` image jobs (content.png -> out/jN.png), for the fake CLI."""

    def factory(n: int = 3, name: str = "jobs.toml", **options: object) -> Path:
        jobs = [{"command": "stylize", "input": "content.png", "output": f"out/j{i}.png", "style": ["style.png"], **options} for i in range(n)]
        return write_jobs(inputs / name, jobs)

    return factory


def calls(folder: Path) -> list[str]:
    """Output names of the fake CLI's starts, in order."""
    log = folder / "calls.log"
    return [line.split()[0] for line in log.read_text().splitlines()] if log.exists() else []
