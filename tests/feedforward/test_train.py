import pytest
import torch

from videostyle.errors import InputError, OptionError, OutputError
from videostyle.feedforward.checkpoint import checkpoint_path
from videostyle.feedforward.data import TrainBatch
from videostyle.feedforward.losses import PerceptualLoss
from videostyle.feedforward.johnson.model_file import load_model
from videostyle.feedforward.johnson.network import NetworkConfig, StyleNetwork
from videostyle.feedforward.options import TrainOptions
from videostyle.feedforward.johnson.train import iter_train, train, train_step
from videostyle.feedforward.training_loop import PREVIEW_LONG_SIDE, preview_folder
from videostyle.media import read_image


def test_training_steps_lower_the_loss(tiny_backbone, tiny_options, stripes):
    torch.manual_seed(0)
    loss_fn = PerceptualLoss(tiny_backbone, [stripes, 1 - stripes], tiny_options)
    network = StyleNetwork(NetworkConfig(styles=2, width=0.125))
    optimizer = torch.optim.Adam(network.parameters(), lr=2e-3)
    batch = TrainBatch(torch.rand(2, 3, 32, 32))
    style_index = torch.tensor([0, 1])
    totals = [sum(train_step(network, optimizer, loss_fn, batch, style_index).values()) for _ in range(8)]
    assert totals[-1] < 0.7 * totals[0]
    assert all(torch.isfinite(t) for t in totals)


def test_loss_parts_are_weighted_objectives(tiny_backbone, stripes):
    options = TrainOptions(size=32, content_weight=2.0, style_weight=0.0, tv_weight=0.0, content_layers=("c2",), style_layers=("c1",))
    loss_fn = PerceptualLoss(tiny_backbone, [stripes], options)
    content = torch.rand(2, 3, 32, 32)
    parts = loss_fn(content, content, torch.tensor([0, 0]))
    assert set(parts) == {"content", "style", "tv"}
    assert float(parts["content"]) == pytest.approx(0.0, abs=1e-6)
    assert float(parts["style"]) == 0.0
    assert float(loss_fn(content, torch.rand(2, 3, 32, 32), torch.tensor([0, 0]))["content"]) > 0.1


def test_train_writes_model_checkpoint_and_previews(tmp_path, tiny_backbone, tiny_options, stripes, pictures):
    target = tmp_path / "m.safetensors"
    events = []
    run = iter_train([stripes, 1 - stripes], [pictures], target, tiny_options, backbone=tiny_backbone)
    while True:
        try:
            events.append(next(run))
        except StopIteration as stop:
            assert stop.value == target
            break
    assert [e.index for e in events] == [0, 1, 2, 3] and all(e.total == 4 for e in events)
    assert set(events[0].parts) == {"content", "style", "tv"}
    assert [e.checkpoint is not None for e in events] == [False, True, False, True]
    previews = sorted(preview_folder(target).iterdir())
    assert [p.name for p in previews] == ["step-0000002.png", "step-0000004.png"]
    assert read_image(previews[0]).shape[-2:] == (274, 3 * PREVIEW_LONG_SIDE)  # 40x56 content, then 2 styles

    network, info = load_model(target)
    assert info.style_names == ("style0", "style1") and info.config == NetworkConfig(2, 0.125)
    assert info.training["steps_done"] == 4 and info.training["size"] == 32
    assert checkpoint_path(target).is_file()


def test_resume_continues_from_the_checkpoint(tmp_path, tiny_backbone, tiny_options, stripes, pictures):
    target = tmp_path / "m.safetensors"
    interrupted = iter_train([stripes], [pictures], target, tiny_options, backbone=tiny_backbone)
    for _ in range(3):  # checkpoint after step 2, then stopped during step 3 (Ctrl-C)
        next(interrupted)
    interrupted.close()
    assert not target.exists() and checkpoint_path(target).is_file()

    with pytest.raises(OutputError, match="--resume"):
        train([stripes], [pictures], target, tiny_options, backbone=tiny_backbone)
    with pytest.raises(InputError, match="another training"):
        train([1 - stripes], [pictures], target, tiny_options, backbone=tiny_backbone, resume=True)

    resumed = list(iter_train([stripes], [pictures], target, tiny_options, backbone=tiny_backbone, resume=True))
    assert [e.index for e in resumed] == [2, 3]
    assert load_model(target)[1].training["steps_done"] == 4


def test_bad_training_inputs(tmp_path, tiny_backbone, tiny_options, stripes, pictures):
    with pytest.raises(OutputError, match=".safetensors"):
        train([stripes], [pictures], tmp_path / "m.pt", tiny_options, backbone=tiny_backbone)
    with pytest.raises(InputError, match="no images or videos"):
        (tmp_path / "empty").mkdir()
        train([stripes], [tmp_path / "empty"], tmp_path / "m.safetensors", tiny_options, backbone=tiny_backbone)
    with pytest.raises(OptionError, match="style image"):
        train([], [pictures], tmp_path / "m.safetensors", tiny_options, backbone=tiny_backbone)
    with pytest.raises(OptionError, match="batch-size"):
        TrainOptions(batch_size=0)
    with pytest.raises(OptionError, match="both 0"):
        TrainOptions(content_weight=0, style_weight=0)
    assert not (tmp_path / "m.safetensors").exists()


def test_temporal_loss_is_zero_for_outputs_that_follow_the_flow():
    from videostyle.feedforward.losses import temporal_loss

    first = torch.rand(2, 3, 16, 16)
    flow = torch.zeros(2, 2, 16, 16)
    flow[:, 0] = 2.0  # following(x) = first(x + 2 px to the right)
    following = torch.roll(first, shifts=-2, dims=-1)
    reliable = torch.ones(2, 1, 16, 16)
    reliable[..., -2:] = 0  # where x + 2 leaves the frame
    assert float(temporal_loss(first, following, flow, reliable)) < 1e-10
    assert float(temporal_loss(first, first, flow, reliable)) > 0.01


def test_temporal_training_on_video_pairs(tmp_path, tiny_backbone, stripes, clip):
    video = clip("in.mp4", size=(64, 48), frames=6, audio=False)
    options = TrainOptions(steps=2, size=32, batch_size=2, width_mult=0.125, temporal_weight=10.0, preview_every=0, content_layers=("c2",), style_layers=("c1", "c2"))
    events = list(iter_train([stripes], [video], tmp_path / "m.safetensors", options, backbone=tiny_backbone))
    assert set(events[-1].parts) == {"content", "style", "tv", "temporal"}
    assert all(v >= 0 for v in events[-1].parts.values())
    assert (tmp_path / "m.safetensors").is_file() and not preview_folder(tmp_path / "m.safetensors").exists()


def test_a_finished_training_leaves_only_the_model(stripes, pictures, tmp_path, tiny_options, tiny_backbone):
    """MODEL.ckpt is for a stopped training; after a finished one it went unless asked for (--keep-checkpoint)."""
    from dataclasses import replace

    from videostyle.feedforward.checkpoint import checkpoint_path

    target = tmp_path / "m.safetensors"
    train([stripes], [pictures], target, replace(tiny_options, keep_checkpoint=False, preview_every=0), backbone=tiny_backbone)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("m.")) == ["m.safetensors"]
    assert not checkpoint_path(target).exists()
