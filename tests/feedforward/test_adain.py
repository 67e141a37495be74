"""AdaIN: exact statistics, decoder files, alpha, and the decoder training loop on a tiny backbone."""

import os
from pathlib import Path

import pytest
import torch

from videostyle.errors import InputError
from videostyle.feedforward.adain.network import AdaINNetwork, Decoder, adain, feature_stats, probe_encoder
from videostyle.feedforward.adain.file import DecoderInfo, is_adain_file, load_decoder, save_decoder
from videostyle.feedforward.adain.train import iter_train_adain
from videostyle.feedforward.options import TrainOptions
from videostyle.progress import drain


def test_adain_output_has_the_style_statistics_per_channel():
    torch.manual_seed(0)
    content = torch.randn(2, 5, 9, 11) * 3 + 1
    style = torch.randn(1, 5, 7, 6) * torch.arange(1, 6).view(1, 5, 1, 1) - 2
    out = adain(content, feature_stats(style))
    var, mean = torch.var_mean(out, dim=(2, 3), correction=0)
    style_var, style_mean = torch.var_mean(style, dim=(2, 3), correction=0)
    torch.testing.assert_close(mean, style_mean.expand(2, -1), atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(var.sqrt(), style_var.sqrt().expand(2, -1), atol=1e-4, rtol=1e-4)


def test_decoder_file_roundtrip(tmp_path):
    torch.manual_seed(1)
    decoder = Decoder(16, 4)
    info = DecoderInfo("tiny", "c2", 16, 4, {"steps": 3})
    path = save_decoder(decoder, info, tmp_path / "d.safetensors")
    loaded, got = load_decoder(path)
    assert got == info and is_adain_file(path)
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask, "the user's usual permissions, not 0600"
    for name, value in decoder.state_dict().items():
        assert torch.equal(value, loaded.state_dict()[name])


def test_a_model_file_of_another_kind_is_not_a_decoder(model_file, tmp_path):
    assert not is_adain_file(model_file)
    (tmp_path / "x.safetensors").write_bytes(b"garbage")
    assert not is_adain_file(tmp_path / "x.safetensors")
    with pytest.raises(InputError):
        load_decoder(tmp_path / "x.safetensors")


def test_alpha_zero_is_the_decoders_reconstruction_of_the_content(tiny_backbone):
    channels, stride = probe_encoder(tiny_backbone, "c2")
    torch.manual_seed(2)
    network = AdaINNetwork(tiny_backbone, "c2", Decoder(channels, stride), alpha=0.0).eval()
    content, style = torch.rand(1, 3, 24, 30), torch.rand(1, 3, 16, 16)
    with torch.no_grad():
        reconstruction = network.decoder(network.features(content))
        torch.testing.assert_close(network(content, network.encode_style(style)), reconstruction)
        network.alpha = 1.0
        assert not torch.allclose(network(content, network.encode_style(style)), reconstruction)


@pytest.mark.parametrize("temporal", [0.0, 1.0])
def test_training_writes_a_decoder_and_resumes(tiny_backbone, pictures, tmp_path, temporal):
    options = TrainOptions(
        steps=2, size=32, batch_size=2, checkpoint_every=1, preview_every=2, temporal_weight=temporal,
        content_layers=("c2",), style_layers=("c1", "c2"), keep_checkpoint=True,
    )
    target = tmp_path / "d.safetensors"
    events = list(_run(iter_train_adain([pictures], [pictures], target, options, backbone=tiny_backbone)))
    assert len(events) == 2 and ("temporal" in events[0].parts) == (temporal > 0)
    assert events[-1].preview is not None and events[-1].preview.is_file()
    _, info = load_decoder(target)
    assert (info.layer, info.channels, info.stride) == ("c2", 16, 2)
    longer = TrainOptions(**{**options.__dict__, "steps": 3})
    resumed = list(_run(iter_train_adain([pictures], [pictures], target, longer, backbone=tiny_backbone,
                                         resume=True, overwrite=True)))
    assert [e.index for e in resumed] == [2]


def _run(generator):
    events = []
    try:
        while True:
            events.append(next(generator))
    except StopIteration as done:
        assert isinstance(done.value, Path) and done.value.is_file()
    return events


def test_drain_returns_the_path(tiny_backbone, pictures, tmp_path):
    options = TrainOptions(steps=1, size=32, batch_size=1, preview_every=0, content_layers=("c2",), style_layers=("c1",))
    path = drain(iter_train_adain([pictures], [pictures], tmp_path / "d.safetensors", options, backbone=tiny_backbone))
    assert path == tmp_path / "d.safetensors" and is_adain_file(path)
