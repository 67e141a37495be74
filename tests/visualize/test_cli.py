"""`videostyle visualize ...` end to end on EfficientNet-Lite0 at tiny sizes (a few steps each)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch

from videostyle.cli import main
from videostyle.media import read_image, write_image

COMMON = ["--device", "cpu", "--offline"]
ALONE = """
import importlib.util, sys, types
package = types.ModuleType("videostyle.cli")  # the package without its __init__, which imports every command
package.__path__ = list(importlib.util.find_spec("videostyle.cli").submodule_search_locations)
sys.modules["videostyle.cli"] = package
import videostyle.cli.visualize
print(sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "torchvision")))
"""


def test_the_visualize_commands_import_no_torch() -> None:
    """Their options are declared by torch-free classes (visualize.options): --help and usage errors come at once."""
    found = subprocess.run([sys.executable, "-c", ALONE], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]", found.stdout


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    ys, xs = torch.meshgrid(torch.linspace(0, 1, 40), torch.linspace(0, 1, 48), indexing="ij")
    path = tmp_path / "photo.png"
    write_image(torch.stack([xs, ys, 1 - xs]).unsqueeze(0), path)
    return path


def test_layers_lists_names_and_shapes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["visualize", "layers", "--size", "64", "--offline"]) == 0
    out = capsys.readouterr().out
    assert "block15    320 x 2 x 2" in out and "logits     1000" in out


def test_maximize_several_targets_one_file_each_or_a_grid(tmp_path: Path) -> None:
    args = ["visualize", "maximize", "goldfish", "block10:3", "--steps", "2", "--size", "32", "--tile", "32", "--seed", "0"]
    assert main([*args, "-o", str(tmp_path / "m.png"), *COMMON]) == 0
    assert read_image(tmp_path / "m-goldfish.png").shape == (1, 3, 32, 32)
    assert (tmp_path / "m-block10_3.png").is_file()
    assert main([*args, "--grid", "-o", str(tmp_path / "g.png"), *COMMON]) == 0
    assert read_image(tmp_path / "g.png").shape[-1] > 64


def test_existing_output_and_bad_targets_fail_before_any_work(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "m.png"
    out.write_bytes(b"keep")
    assert main(["visualize", "maximize", "goldfish", "-o", str(out), *COMMON]) == 1
    assert out.read_bytes() == b"keep" and "--overwrite" in capsys.readouterr().err
    assert main(["visualize", "maximize", "goldfsh", "-o", str(tmp_path / "x.png"), *COMMON]) == 2  # an unknown class is a bad option value: usage
    assert "did you mean: goldfish" in capsys.readouterr().err


def test_invert_texture_saliency_top_activations(tmp_path: Path, photo: Path) -> None:
    small = ["--steps", "2", "--seed", "0"]
    assert main(["visualize", "invert", str(photo), "--layers", "stem,block2", "--size", "32", *small,
                 "-o", str(tmp_path / "inv.png"), *COMMON]) == 0  # fmt: skip
    assert read_image(tmp_path / "inv.png").shape[-1] > 3 * 32
    assert main(["visualize", "texture", str(photo), "--size", "40", "--aspect", "1.6667", "--style-size", "32", *small,
                 "-o", str(tmp_path / "tex.png"), *COMMON]) == 0  # fmt: skip
    assert read_image(tmp_path / "tex.png").shape == (1, 3, 24, 40)
    assert main(["visualize", "saliency", str(photo), "--class", "tabby", "--size", "32",
                 "-o", str(tmp_path / "sal.png"), *COMMON]) == 0  # fmt: skip
    assert main(["visualize", "saliency", str(photo), "--method", "sharp", "-o", str(tmp_path / "bad.png"), *COMMON]) == 2
    assert main(["visualize", "top-activations", str(photo.parent), "--layer", "block2", "--channel", "0",
                 "--count", "1", "--size", "32", "-o", str(tmp_path / "top.png"), *COMMON]) == 0  # fmt: skip
    assert (tmp_path / "top.png").is_file()
