import numpy as np
import pytest
import torch

from videostyle.errors import InputError, OptionError
from videostyle.feedforward.data import CropSampler, find_sources, first_picture


def test_find_sources_walks_folders_and_takes_videos(tmp_path, pictures, clip):
    (pictures / "notes.txt").write_text("not media")
    nested = pictures / "more"
    nested.mkdir()
    (nested / "p9.png").write_bytes((pictures / "p0.png").read_bytes())
    video = clip("in.mp4", frames=6)
    sources = find_sources([pictures, video])
    assert sorted(p.name for p in sources.images) == ["p0.png", "p1.png", "p2.png", "p9.png"]
    assert [v.path for v in sources.videos] == [video] and sources.videos[0].duration > 0
    assert sources.count == 5


@pytest.mark.parametrize(
    ("setup", "error", "message"),
    [
        (lambda d: [d / "missing"], InputError, "does not exist"),
        (lambda d: [], OptionError, "--data"),
        (lambda d: [d / "empty"], InputError, "no images or videos"),
        (lambda d: [d / "notes.txt"], InputError, "neither an image nor a video"),
        (lambda d: [d / "broken.mp4"], InputError, "broken.mp4"),
    ],
)
def test_find_sources_errors(tmp_path, setup, error, message):
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "broken.mp4").write_bytes(b"\x00" * 100)
    with pytest.raises(error, match=message):
        find_sources(setup(tmp_path))


def test_crops_have_the_asked_shape_and_come_from_the_data(pictures):
    sampler = CropSampler(find_sources([pictures]), crop=24, seed=0, pool=4, repeats=2)
    batches = sampler.batches(3)
    for _ in range(5):  # more than one pool: 4 pictures x 2 repeats = 8 crops a pool
        batch = next(batches).images
        assert batch.shape == (3, 3, 24, 24) and batch.dtype == torch.float32
        assert 0 <= batch.min() and batch.max() <= 1 and batch.std() > 0.1  # random texture, not padding


def test_video_frames_are_sampled_without_keeping_the_video(clip):
    video = clip("in.mp4", size=(64, 48), frames=12, audio=False)
    sampler = CropSampler(find_sources([video]), crop=32, seed=1, pool=5, repeats=1)
    pool = [entry.picture for entry in sampler._draw_pool()]
    assert len(pool) == 5  # 5 of the 12 frames
    levels = sorted({int(p[1].float().median()) for p in pool})  # each frame has its own grey level
    assert len(levels) >= 3
    assert all(min(p.shape[1:]) >= 32 and min(p.shape[1:]) <= 48 for p in pool)


def test_unreadable_images_are_skipped_and_counted(pictures):
    (pictures / "bad.png").write_bytes(b"not a png")
    sampler = CropSampler(find_sources([pictures]), crop=16, seed=0, pool=16)
    next(sampler.batches(2))
    assert [p.name for p in sampler.skipped][:1] == ["bad.png"]


def test_first_picture_of_a_video(clip):
    video = clip("in.mp4", size=(64, 48), frames=3, audio=False)
    picture = first_picture(find_sources([video]))
    assert picture.shape == (1, 3, 48, 64)
    assert np.isclose(float(picture[0, 0, 30, 10]), 40 / 255, atol=0.05)


def test_crop_size_is_checked(pictures):
    with pytest.raises(OptionError, match="--size"):
        CropSampler(find_sources([pictures]), crop=8)


def test_still_pictures_pair_with_a_shifted_copy_and_its_exact_flow(pictures):
    from videostyle.flow import warp

    sampler = CropSampler(find_sources([pictures]), crop=24, seed=3, pool=6, repeats=1, pairs=True)
    batch = next(sampler.batches(6))
    assert batch.following.shape == batch.images.shape and batch.flow.shape == (6, 2, 24, 24)
    assert batch.flow.abs().amax() <= 6 and batch.flow.abs().sum() > 0
    moved = warp(batch.images, batch.flow)  # following(x) = images(x + flow)
    error = (moved - batch.following).abs() * batch.reliable
    assert float(error.max()) < 1e-5
    assert 0.5 < float(batch.reliable.mean()) < 1  # the strip that moved out of the crop is not reliable


def test_video_frames_pair_with_the_next_frame(clip):
    video = clip("in.mp4", size=(64, 48), frames=8, audio=False)
    sampler = CropSampler(find_sources([video]), crop=32, seed=0, pool=3, repeats=1, pairs=True)
    batch = next(sampler.batches(3))
    assert batch.following.shape == (3, 3, 32, 32) and batch.reliable.shape == (3, 1, 32, 32)
    # test clip frames are flat grey levels that change from one frame to the next
    assert torch.all((batch.following - batch.images).abs().mean(dim=(1, 2, 3)) > 0.01)
    assert torch.isfinite(batch.flow).all() and 0 <= batch.reliable.min() and batch.reliable.max() <= 1


def test_the_loader_thread_yields_the_batches_the_sampler_would_in_order(pictures, monkeypatch):
    """Loaded ahead on a thread (pinned for CUDA): the same crops as on the caller's thread, so training stays repeatable."""
    import threading

    from videostyle.feedforward import data

    sources = find_sources([pictures])
    expected = CropSampler(sources, 32, seed=3).batches(2)
    pinned = []
    monkeypatch.setattr(data.TrainBatch, "pinned", lambda batch: pinned.append(threading.current_thread().name) or batch)
    with data.load_ahead(CropSampler(sources, 32, seed=3).batches(2), torch.device("cuda", 0)) as loader:
        got = iter(loader)
        for _ in range(5):
            assert torch.equal(next(got).images, next(expected).images)
    assert pinned and set(pinned) == {"videostyle-loader"}
    before = len(pinned)
    with data.load_ahead(CropSampler(sources, 32).batches(2), torch.device("cpu")) as loader:
        next(iter(loader))
    assert len(pinned) == before  # nothing pinned for the CPU
