import pytest
import torch
from torchvision.models import vgg

from videostyle.backbones import BACKBONES, backbone_spec, load_backbone
from videostyle.backbones.vgg import vgg_layer_names, vgg_stages
from videostyle.backbones.weights import hub_checkpoint_path, load_state_dict
from videostyle.errors import OptionError, WeightsError


def test_registry_defaults_name_real_layers():
    for spec in BACKBONES.values():
        for layer in spec.content_layers + spec.style_layers + spec.dream_layers:
            assert layer in spec.layer_names, (spec.name, layer)


def test_unknown_backbone():
    with pytest.raises(OptionError, match="unknown backbone 'resnet'"):
        backbone_spec("resnet")


def test_vgg_offline_without_weights_says_where_to_put_them(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    with pytest.raises(WeightsError) as err:
        load_backbone("vgg19", download=False)
    message = str(err.value)
    assert "vgg19-dcbb9e9d.pth" in message and str(tmp_path) in message and "--weights" in message
    assert "\n" not in message


def test_wrong_weights_file_is_a_user_error(tmp_path):
    bad = tmp_path / "bad.pth"
    torch.save({"conv.weight": torch.zeros(1)}, bad)
    with pytest.raises(WeightsError, match="do not fit"):
        load_backbone("efficientnet-lite0", weights=bad)
    garbage = tmp_path / "garbage.pth"
    garbage.write_bytes(b"not a checkpoint")
    with pytest.raises(WeightsError, match="cannot read"):
        load_state_dict(garbage)
    with pytest.raises(WeightsError, match="does not exist"):
        load_state_dict(tmp_path / "missing.pth")


def test_hub_checkpoint_path_follows_torch_home(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    assert hub_checkpoint_path("https://x/y/vgg16-397923af.pth") == tmp_path / "hub" / "checkpoints" / "vgg16-397923af.pth"


def test_vgg_stage_names_follow_gatys_and_run():
    net = vgg.VGG(vgg.make_layers(vgg.cfgs["D"]), init_weights=False)
    stages = vgg_stages(net, "D")
    names = [name for name, _ in stages]
    assert names[:5] == ["conv1_1", "relu1_1", "conv1_2", "relu1_2", "pool1"]
    assert names[-3:] == ["fc6", "fc7", "logits"] and "relu4_3" in names and "conv5_4" not in names
    assert vgg_layer_names("E").count("pool5") == 1 and "conv5_4" in vgg_layer_names("E")
    assert not any(getattr(m, "inplace", False) for _, m in stages)
