import threading
from fractions import Fraction

import numpy as np
import pytest
import torch
from PIL import Image

from videostyle.errors import InputError, OptionError
from videostyle.feedforward.files import apply_model_file, iter_apply_model_file
from videostyle.feedforward.inference import FrameStylizer, InferenceOptions
from videostyle.precision import cpu_has_bf16_units
from videostyle.feedforward.johnson.model_file import load_model
from videostyle.feedforward.johnson.network import style_weights
from videostyle.feedforward.pipeline import iter_apply_model_video
from videostyle.media import probe_video, read_frames, read_image
from videostyle.progress import drain
from videostyle.video import FrameList, OutputOptions, ResumePoint


def _threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("videostyle-")]


def _leftovers(folder) -> list[str]:
    return [p.name for p in folder.iterdir() if ".part" in p.name]


def test_video_keeps_frames_timing_and_audio_and_is_the_network_output(tmp_path, clip, model_file):
    source = clip("in.mp4", size=(64, 48), frames=10, fps=Fraction(30000, 1001))
    target = tmp_path / "out.mp4"
    options = InferenceOptions(style_index=1, batch_size=3)  # 10 frames: batches of 3, 3, 3, 1
    events = list(iter_apply_model_file(source, target, model_file, options, OutputOptions()))
    assert events[-1].done == 10 and events[-1].total == 10
    info = probe_video(target)
    assert (info.width, info.height, info.fps, info.frame_count, info.has_audio) == (64, 48, Fraction(30000, 1001), 10, True)
    assert [f.pts for f in read_frames(target)] == [f.pts for f in read_frames(source)]

    network, _ = load_model(model_file)
    for got, original in zip(read_frames(target), read_frames(source)):
        content = torch.from_numpy(original.rgb).permute(2, 0, 1)[None].float() / 255
        expected = network(content, style_weights(2, index=1))[0].permute(1, 2, 0).numpy() * 255
        assert np.abs(got.rgb.astype(float) - expected).mean() < 6  # H.264 at crf 18 on a 64x48 frame
    assert _threads() == [] and _leftovers(tmp_path) == []


def test_size_and_trim(tmp_path, clip, model_file):
    source = clip("in.mp4", size=(64, 48), frames=12, audio=False)
    output = OutputOptions(size=40, start=0.1, duration=0.2)
    apply_model_file(source, tmp_path / "out.mkv", model_file, InferenceOptions(batch_size=4), output)
    info = probe_video(tmp_path / "out.mkv")
    assert (info.width, info.height) == (40, 30)
    assert len(list(read_frames(tmp_path / "out.mkv"))) == len(list(read_frames(source, 0.1, 0.2)))


def test_stabilized_video(tmp_path, clip, model_file):
    source = clip("in.mp4", size=(64, 48), frames=6)
    apply_model_file(source, tmp_path / "out.mp4", model_file, InferenceOptions(stabilize=True, batch_size=4))
    assert probe_video(tmp_path / "out.mp4").frame_count == 6 and _threads() == []


class FailingStylizer(FrameStylizer):
    """Breaks on its second batch, as a GPU running out of memory would."""

    calls = 0

    def images(self, images):
        self.calls += 1
        if self.calls == 2:
            raise RuntimeError("CUDA out of memory")
        return super().images(images)


@pytest.mark.parametrize("kept", [True, False])
def test_a_cpu_video_runs_the_network_on_half_the_threads_where_freed_memory_is_kept(tmp_path, clip, model_file, monkeypatch, kept):
    """The decode, flow and encode threads need cores too, and a team of sleeping OpenMP workers costs a wake-up per
    operator: on the CPU a video's network runs on half of torch's threads (at least one), and gives them back; but
    only where glibc keeps freed buffers (the command sets that), else one thread faults its buffers in every frame.
    A photo keeps them all."""
    import videostyle.allocator

    monkeypatch.setattr(videostyle.allocator, "_kept", kept)
    seen: list[int] = []
    real = FrameStylizer.images
    monkeypatch.setattr(FrameStylizer, "images", lambda self, images: seen.append(torch.get_num_threads()) or real(self, images))
    before = torch.get_num_threads()
    torch.set_num_threads(4)
    try:
        source = clip("in.mp4", size=(64, 48), frames=3)
        apply_model_file(source, tmp_path / "out.mp4", model_file, InferenceOptions(stabilize=True), device="cpu")
        assert seen == ([2, 2, 2] if kept else [4, 4, 4]) and torch.get_num_threads() == 4
        apply_model_file(_photo(tmp_path), tmp_path / "out.png", model_file, device="cpu")
        assert seen[-1] == 4
        torch.set_num_threads(1)
        apply_model_file(source, tmp_path / "one.mp4", model_file, device="cpu")
        assert seen[-1] == 1 and torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


def _photo(folder):
    path = folder / "photo.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (40, 56, 3), dtype=np.uint8)).save(path)
    return path


def test_an_error_mid_video_leaves_no_output_and_no_threads(tmp_path, clip, model_file):
    source = clip("in.mp4", size=(64, 48), frames=10)
    network, _ = load_model(model_file)
    engine = FailingStylizer(network, style_weights(2), torch.device("cpu"))
    target = tmp_path / "out.mp4"
    with pytest.raises(RuntimeError, match="out of memory"):
        drain(iter_apply_model_video(source, target, engine, InferenceOptions(batch_size=2)))
    assert not target.exists() and _leftovers(tmp_path) == [] and _threads() == []


def test_stopping_the_generator_leaves_no_output_and_no_threads(tmp_path, clip, model_file):
    source = clip("in.mp4", size=(64, 48), frames=10)
    target = tmp_path / "out.mp4"
    events = iter_apply_model_file(source, target, model_file, InferenceOptions(batch_size=2))
    next(events)
    events.close()  # what Ctrl-C in the CLI amounts to
    assert not target.exists() and _leftovers(tmp_path) == [] and _threads() == []


def test_image(tmp_path, model_file):
    from PIL import Image

    Image.fromarray(np.random.default_rng(0).integers(0, 255, (30, 50, 3), dtype=np.uint8)).save(tmp_path / "in.png")
    apply_model_file(tmp_path / "in.png", tmp_path / "out.jpg", model_file, InferenceOptions(style_mix=(0.5, 0.5)))
    assert read_image(tmp_path / "out.jpg").shape == (1, 3, 30, 50)
    with pytest.raises(OptionError, match="videos only"):
        apply_model_file(tmp_path / "in.png", tmp_path / "o.png", model_file, InferenceOptions(stabilize=True))
    with pytest.raises(OptionError, match="cannot turn image"):
        apply_model_file(tmp_path / "in.png", tmp_path / "o.mp4", model_file)


def test_bad_model_fails_before_any_output(tmp_path, clip):
    source = clip("in.mp4", frames=2)
    (tmp_path / "bad.safetensors").write_bytes(b"\x01" * 64)
    with pytest.raises(InputError, match="bad.safetensors"):
        apply_model_file(source, tmp_path / "out.mp4", tmp_path / "bad.safetensors")
    assert not (tmp_path / "out.mp4").exists() and _leftovers(tmp_path) == []


def test_inference_options_are_checked():
    with pytest.raises(OptionError, match="--batch-size"):
        InferenceOptions(batch_size=0)
    with pytest.raises(OptionError, match="--precision"):
        InferenceOptions(precision="fp8")
    assert InferenceOptions().frames_per_batch(torch.device("cpu")) == 1
    native_bf16 = cpu_has_bf16_units()
    assert InferenceOptions().dtype(torch.device("cpu")) == (torch.bfloat16 if native_bf16 else torch.float32)
    assert InferenceOptions(precision="fp32").dtype(torch.device("cpu")) == torch.float32


class StateAt(FrameList):
    def wants_state(self, index):
        return index == 3

    def save_state(self, index, state):
        self.state = state


@pytest.mark.parametrize("batch", [1, 2])
def test_a_resumed_stabilized_video_continues_with_the_same_frames(tmp_path, moving_clip, model_file, batch):
    source = moving_clip(frames=7)
    options = InferenceOptions(stabilize=True, batch_size=batch)
    whole, rest = StateAt(), FrameList()
    drain(iter_apply_model_video(source, tmp_path / "o.mp4", model_file, options, sink=whole))
    assert set(whole.state) == {"content", "result"}
    drain(iter_apply_model_video(source, tmp_path / "o.mp4", model_file, options, sink=rest, resume=ResumePoint(4, whole.state)))
    assert len(rest.frames) == 3
    for a, b in zip(whole.frames[4:], rest.frames):
        assert a.pts == b.pts and np.array_equal(a.rgb, b.rgb)


@pytest.mark.parametrize("size", [(20, 27), (74, 100)])
def test_frames_are_resized_as_uint8_within_one_level(size):
    """The CPU resizes the uint8 pixels (fast path): within 1/255 of resizing the float image."""
    pixels = torch.from_numpy(np.random.default_rng(0).integers(0, 256, (2, 37, 50, 3), dtype=np.uint8))
    images = FrameStylizer.from_pixels(pixels, size)
    reference = torch.nn.functional.interpolate(
        pixels.permute(0, 3, 1, 2).float() / 255, size=size, mode="bilinear", align_corners=False, antialias=size[0] < 37
    )
    assert images.dtype == torch.float32 and images.shape == (2, 3, *size)
    assert 0 <= images.min() and images.max() <= 1 and (images - reference).abs().max() <= 1.01 / 255


def test_a_half_black_mask_on_a_still_leaves_that_half_as_the_input(tmp_path, model_file):
    content, mask, target = tmp_path / "in.png", tmp_path / "mask.png", tmp_path / "out.png"
    Image.fromarray(np.random.default_rng(3).integers(0, 255, (48, 64, 3), dtype=np.uint8)).save(content)
    Image.fromarray(np.hstack([np.zeros((48, 32), np.uint8), np.full((48, 32), 255, np.uint8)])).save(mask)
    apply_model_file(content, target, model_file, output=OutputOptions(mask=str(mask)))
    before, after = np.asarray(Image.open(content)), np.asarray(Image.open(target))
    assert np.array_equal(after[:, :32], before[:, :32])
    assert np.abs(after[:, 32:].astype(int) - before[:, 32:]).mean() > 2


def test_a_cpu_network_gets_its_frames_resized_once_on_the_decode_thread():
    """pack() resizes for a CPU network (off the network's thread), as from_pixels would have; the flow gets the same."""
    from videostyle.feedforward.johnson.network import NetworkConfig, StyleNetwork
    from videostyle.feedforward.pipeline import NetworkWork
    from videostyle.media import Frame
    from videostyle.resize import resize

    rng = np.random.default_rng(0)
    frames = [Frame(rng.integers(0, 255, (48, 64, 3), dtype=np.uint8), i, 1) for i in range(2)]
    network = StyleNetwork(NetworkConfig(width=0.25))
    engine = FrameStylizer(network, style_weights(1), torch.device("cpu"))
    submitted: list[np.ndarray] = []

    class Planner:
        def submit(self, rgbs):
            submitted.extend(rgbs)

    class Stabilizer:
        planner = Planner()

    packed = NetworkWork(engine, (30, 40), 2, "clip.mp4", Stabilizer()).pack(frames)  # type: ignore[arg-type]
    whole = torch.from_numpy(np.stack([f.rgb for f in frames])).permute(0, 3, 1, 2)
    expected = resize(whole, (30, 40)).permute(0, 2, 3, 1)
    assert packed.pixels.shape == (2, 30, 40, 3) and torch.equal(packed.pixels, expected)
    assert all(np.array_equal(a, b) for a, b in zip(submitted, expected.numpy()))
    assert torch.equal(engine.from_pixels(packed.pixels, (30, 40)), engine.from_pixels(whole.permute(0, 2, 3, 1), (30, 40)))
