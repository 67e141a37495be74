import json

import pytest
import torch
from safetensors.torch import save_file

from videostyle.errors import InputError, OutputError
from videostyle.feedforward.johnson.model_file import ModelInfo, load_model, read_model_info, save_model
from videostyle.feedforward.johnson.network import NetworkConfig, StyleNetwork, style_weights


def test_round_trip_keeps_metadata_and_outputs(tmp_path, model_file):
    network, info = load_model(model_file)
    assert info.style_names == ("a", "b")
    assert info.config == NetworkConfig(styles=2, width=0.125)
    assert info.backbone == "tiny" and info.training == {"steps": 0}
    assert read_model_info(model_file) == info
    assert not network.training and not any(p.requires_grad for p in network.parameters())

    again = save_model(network, info, tmp_path / "again.safetensors")
    reloaded, _ = load_model(again)
    image = torch.rand(1, 3, 28, 36)
    for index in (0, 1):
        torch.testing.assert_close(reloaded(image, style_weights(2, index)), network(image, style_weights(2, index)))
    assert (reloaded(image, style_weights(2, 0)) - reloaded(image, style_weights(2, 1))).abs().mean() > 1e-3


def test_save_is_careful(tmp_path, model_file):
    network, info = load_model(model_file)
    with pytest.raises(OutputError, match="already exists"):
        save_model(network, info, model_file)
    with pytest.raises(OutputError, match=".safetensors"):
        save_model(network, info, tmp_path / "model.pt")
    assert [p.name for p in tmp_path.iterdir()] == ["model.safetensors"]


def _file(path, data):
    path.write_bytes(data)
    return path


def _other_metadata(tmp_path, **changes):
    network = StyleNetwork(NetworkConfig(width=0.125))
    meta = {**ModelInfo(network.config, ("x",), "tiny").metadata(), **changes}
    path = tmp_path / "other.safetensors"
    save_file({k: v.contiguous() for k, v in network.state_dict().items()}, str(path), metadata=meta)
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.safetensors", "does not exist"),
        (lambda d: d, "folder"),
        (lambda d: _file(d / "garbage.safetensors", b"not a model at all" * 10), "cannot read"),
        (lambda d: _file(d / "empty.safetensors", b""), "cannot read"),
        (lambda d: _other_metadata(d, format="something-else"), "not a videostyle model"),
        (lambda d: _other_metadata(d, format_version="99"), "another version"),
        (lambda d: _other_metadata(d, styles="not json"), "damaged model metadata"),
        (lambda d: _other_metadata(d, width="0.5"), "does not match"),
        (lambda d: _other_metadata(d, styles=json.dumps(["x", "y"])), "does not match"),
    ],
)
def test_bad_model_file_is_one_input_error(tmp_path, make, message):
    path = make(tmp_path)
    with pytest.raises(InputError, match=message):
        load_model(path)


def test_truncated_model_file(tmp_path, model_file):
    cut = tmp_path / "cut.safetensors"
    cut.write_bytes(model_file.read_bytes()[:-100])
    with pytest.raises(InputError, match="cannot read"):
        load_model(cut)
