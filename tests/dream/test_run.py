from fractions import Fraction

import numpy as np
import pytest
from PIL import Image

from videostyle.dream import DreamOptions, Motion, Schedule, dream_file, iter_dream_file
from videostyle.errors import InputError, OptionError, OutputError
from videostyle.media import probe_video, read_frames
from videostyle.progress import FrameProgress
from videostyle.video import OutputOptions

FAST = DreamOptions(octaves=1, steps=1, jitter=2, seed=0)


@pytest.fixture
def still(tmp_path, cat):
    path = tmp_path / "cat.png"
    Image.fromarray((cat[0].permute(1, 2, 0).numpy() * 255).astype(np.uint8)).save(path)
    return path


def test_image_to_image(still, tmp_path):
    target = dream_file(still, tmp_path / "dream.jpg", options=FAST, output=OutputOptions(size=48))
    assert Image.open(target).size == (48, 32)


@pytest.mark.parametrize("name, fps, frames", [("zoom.mp4", Fraction(12), 5), ("zoom.gif", Fraction(10), 4)])
def test_animation_has_the_exact_frame_count_and_rate(still, tmp_path, name, fps, frames):
    motion = Motion(zoom=Schedule.constant(1.1), rotate=Schedule.constant(2.0))
    events = list(iter_dream_file(still, tmp_path / name, FAST, motion=motion, frames=frames, fps=fps))
    assert [e.done for e in events if isinstance(e, FrameProgress) and e.step is None] == list(range(1, frames + 1))
    info = probe_video(tmp_path / name)
    assert info.fps == fps and not info.has_audio
    decoded = list(read_frames(tmp_path / name))
    assert len(decoded) == frames and decoded[0].rgb.shape == (64, 96, 3)
    assert [f.time for f in decoded] == pytest.approx([k / fps for k in range(frames)])


def test_video_keeps_timing_and_audio_with_flow_carried_frames(clip, tmp_path):
    source = clip(size=(64, 48), frames=6, fps=Fraction(30000, 1001))
    target = tmp_path / "dream.mp4"
    dream_file(source, target, options=FAST, flow="dis")
    info = probe_video(target)
    assert info.fps == Fraction(30000, 1001) and info.has_audio and (info.width, info.height) == (64, 48)
    assert [f.pts * f.time_base for f in read_frames(target)] == [f.pts * f.time_base for f in read_frames(source)]


@pytest.mark.parametrize(
    "target, kwargs, error",
    [
        ("o.png", dict(frames=3), OptionError),
        ("o.png", dict(output=OutputOptions(start=1.0)), OptionError),
        ("o.png", dict(options=DreamOptions(class_name="not a class")), OptionError),
        ("o.txt", {}, OutputError),
        ("o.mp4", dict(carried_steps=0), OptionError),
    ],
)
def test_bad_requests_fail_before_any_work(still, tmp_path, target, kwargs, error):
    with pytest.raises(error):
        dream_file(still, tmp_path / target, **kwargs)
    assert not (tmp_path / target).exists()


def test_video_sources_refuse_still_options_and_image_outputs(clip, tmp_path):
    source = clip(frames=2)
    with pytest.raises(OptionError, match="zoom loop"):
        dream_file(source, tmp_path / "o.mp4", motion=Motion())
    with pytest.raises(OptionError, match="video output"):
        dream_file(source, tmp_path / "o.png")


def test_missing_input_and_existing_output(still, tmp_path):
    with pytest.raises(InputError):
        dream_file(tmp_path / "missing.png", tmp_path / "o.png", options=FAST)
    (tmp_path / "taken.png").write_bytes(b"keep")
    with pytest.raises(OutputError, match="overwrite"):
        dream_file(still, tmp_path / "taken.png", options=FAST)
    assert (tmp_path / "taken.png").read_bytes() == b"keep"
