"""Model files and training: umask permissions, checkpoints named on Ctrl-C, resume without
--overwrite, and no picture of NaNs ever written."""

from __future__ import annotations

import importlib
import os

import pytest
import torch

from videostyle.cli import main
from videostyle.errors import OutputError
from videostyle.feedforward.johnson.model_file import ModelInfo, save_model
from videostyle.feedforward.johnson.network import NetworkConfig, StyleNetwork
from videostyle.media import write_image

training = importlib.import_module("videostyle.feedforward.johnson.train")  # the package exports a function of that name
TRAIN = ["--size", "32", "--batch-size", "1", "--width-mult", "0.125", "--device", "cpu", "--offline", "--quiet",
         "--preview-every", "0", "--checkpoint-every", "1"]


@pytest.mark.parametrize("mask", [0o022, 0o027])
def test_model_files_follow_the_umask(tmp_path, mask):
    network = StyleNetwork(NetworkConfig(styles=1, width=0.125))
    old = os.umask(mask)
    try:
        path = save_model(network, ModelInfo(network.config, ("a",), "tiny", {}), tmp_path / "m.safetensors")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask


def test_ctrl_c_in_train_names_the_checkpoint_and_how_to_resume(workspace, capsys, monkeypatch):
    real_step = training.train_step
    calls = []

    def interrupted_on_the_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_step(*args, **kwargs)

    monkeypatch.setattr(training, "train_step", interrupted_on_the_second)
    args = ["train", "-s", "style.png", "--data", "content.png", "-o", "t.safetensors", "--steps", "3", *TRAIN]
    assert main(args) == 130
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "t.ckpt" in err and "--resume" in err, err
    assert (workspace / "t.ckpt").is_file() and not (workspace / "t.safetensors").exists()


def test_training_further_after_a_finished_run_needs_only_resume(workspace, capsys):
    """A finished training keeps its checkpoint when asked (--keep-checkpoint); it leaves only the model otherwise."""
    args = ["train", "-s", "style.png", "--data", "content.png", "-o", "t.safetensors", *TRAIN]
    assert main([*args, "--steps", "1"]) == 0
    assert not (workspace / "t.ckpt").exists()
    assert main([*args, "--steps", "1", "--keep-checkpoint", "--overwrite"]) == 0
    first = (workspace / "t.safetensors").read_bytes()
    code = main([*args, "--steps", "2", "--resume"])
    assert code == 0, capsys.readouterr().err
    assert (workspace / "t.safetensors").read_bytes() != first


def test_a_result_that_is_not_finite_is_never_written(tmp_path):
    image = torch.rand(1, 3, 8, 8)
    image[0, 0, 0, 0] = float("nan")
    with pytest.raises(OutputError, match="not finite"):
        write_image(image, tmp_path / "o.png")
    assert list(tmp_path.iterdir()) == []
