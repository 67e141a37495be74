from fractions import Fraction

import av
import numpy as np
import pytest

from videostyle.errors import InputError, OptionError, OutputError
from videostyle.media import probe_video, read_frames, write_image
from videostyle.progress import FrameProgress, drain
from videostyle.video import OutputOptions
from videostyle.stylize import StyleOptions, iter_stylize_file, iter_stylize_video
from videostyle.video import FrameList, ResumePoint

FAST = StyleOptions(steps=2)


def test_video_streams_through_with_exact_timing_and_audio(clip, tmp_path, stripes):
    source = clip(size=(64, 48), frames=6, fps=Fraction(30000, 1001))
    target = tmp_path / "out.mp4"
    events = list(iter_stylize_video(source, target, [stripes], FAST, OutputOptions(size=40), "cpu"))
    assert all(isinstance(e, FrameProgress) for e in events)
    done = [e.done for e in events if e.step is None]
    assert done == [1, 2, 3, 4, 5, 6] and events[0].total == 6
    info = probe_video(target)
    assert info.fps == Fraction(30000, 1001) and (info.width, info.height) == (40, 30)
    assert info.has_audio and info.audio_codec == "aac"
    src_pts = [f.pts * f.time_base for f in read_frames(source)]
    out_pts = [f.pts * f.time_base for f in read_frames(target)]
    assert out_pts == src_pts


def test_video_trim_and_previous_init(clip, tmp_path, stripes):
    source = clip(size=(64, 48), frames=12, fps=Fraction(24))
    target = tmp_path / "trim.mkv"
    options = StyleOptions(steps=2, init="previous")
    drain(iter_stylize_video(source, target, [stripes], options, OutputOptions(start=0.25, duration=0.25), "cpu"))
    frames = list(read_frames(target))
    assert len(frames) == 6 and frames[0].time == 0


def test_image_to_image_and_kind_mismatch(tmp_path, photo, stripes):
    content = tmp_path / "content.png"
    write_image(photo, content)
    target = tmp_path / "out.jpg"
    drain(iter_stylize_file(content, target, [stripes], FAST, OutputOptions(size=48)))
    with av.open(str(target)) as c:  # readable JPEG of the requested size
        frame = next(c.decode(video=0))
        assert (frame.width, frame.height) == (48, 32)
    with pytest.raises(OptionError, match="cannot turn image"):
        drain(iter_stylize_file(content, tmp_path / "x.mp4", [stripes], FAST))


def test_existing_output_is_kept_and_failure_leaves_nothing(clip, tmp_path, stripes):
    source = clip(frames=3)
    target = tmp_path / "out.mp4"
    target.write_bytes(b"precious")
    with pytest.raises(OutputError, match="already exists"):
        drain(iter_stylize_video(source, target, [stripes], FAST, OutputOptions(), "cpu"))
    assert target.read_bytes() == b"precious"
    events = iter_stylize_video(source, tmp_path / "new.mp4", [stripes], FAST, OutputOptions(), "cpu")
    next(events)
    events.close()  # the user stopped after the first step
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.mp4", "out.mp4"]


def test_garbage_video_is_an_input_error(tmp_path, stripes):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(np.random.default_rng(0).bytes(5000))
    with pytest.raises(InputError):
        drain(iter_stylize_video(bad, tmp_path / "o.mp4", [stripes], FAST, OutputOptions(), "cpu"))
    assert not (tmp_path / "o.mp4").exists()


class StateAt(FrameList):
    """A sink that keeps the frames and the prior's state after frame ``at``."""

    def __init__(self, at: int) -> None:
        super().__init__()
        self.at = at

    def wants_state(self, index):
        return index == self.at

    def save_state(self, index, state):
        self.state = state


def test_a_resumed_temporal_video_continues_with_the_same_frames(moving_clip, tmp_path, stripes):
    source = moving_clip(frames=5)
    options = StyleOptions(steps=3, seed=0)
    whole = StateAt(2)
    drain(iter_stylize_video(source, tmp_path / "o.mp4", [stripes], options, OutputOptions(), "cpu", sink=whole))
    rest = FrameList()
    resume = ResumePoint(3, whole.state)
    drain(iter_stylize_video(source, tmp_path / "o.mp4", [stripes], options, OutputOptions(), "cpu", sink=rest, resume=resume))
    assert [f.pts for f in rest.frames] == [f.pts for f in whole.frames[3:]]
    for a, b in zip(whole.frames[3:], rest.frames):
        assert np.array_equal(a.rgb, b.rgb)
    assert not (tmp_path / "o.mp4").exists()  # a sink replaces the writer
