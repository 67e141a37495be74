"""A chunk's cross-fade into the next chunk's warm-up (issue 20): the second track is that warm-up."""

import numpy as np
import pytest

from videostyle.batch.chunks import fade_of
from videostyle.errors import OptionError
from videostyle.progress import drain
from videostyle.stylize import StyleOptions, iter_stylize_video
from videostyle.video import FrameList, OutputOptions, ResumePoint
from videostyle.video.crossfade import fade_weight, fade_window


def _frames(source, target, style, output, resume=None):
    sink = FrameList()
    drain(iter_stylize_video(source, target, [style], StyleOptions(steps=3, seed=0), output, "cpu", sink=sink, resume=resume))
    return [f.rgb for f in sink.frames]


def test_the_fade_blends_into_exactly_the_frames_the_next_chunks_warm_up_makes(moving_clip, tmp_path, stripes):
    source = moving_clip(frames=8, size=(48, 32))
    target = tmp_path / "o.mp4"
    plain = _frames(source, target, stripes, OutputOptions(chunk=(0, 7)))
    faded = _frames(source, target, stripes, OutputOptions(chunk=(0, 7), fade=3))
    warm = _frames(source, target, stripes, OutputOptions(chunk=(7, None)), ResumePoint(4))[:3]  # the next chunk's preroll
    assert len(faded) == 7
    for before, after in zip(plain[:4], faded[:4]):
        np.testing.assert_array_equal(before, after)
    for j, (a, b) in enumerate(zip(plain[4:], warm)):
        assert np.abs(a - b).mean() > 0.01  # two textures: what the fade is for
        np.testing.assert_allclose(faded[4 + j], a + fade_weight(j, 3) * (b - a), atol=1e-6)


def test_the_head_fades_into_warm_ups_inside_a_shot_only():
    chunks = [(0, 96), (96, 192), (192, None)]
    assert [fade_of(chunks, n, [], 48, 8) for n in range(3)] == [8, 8, 0]
    assert [fade_of(chunks, n, [180], 48, 8) for n in range(3)] == [8, 0, 0]  # the chunk at 192 warms up from the cut
    assert fade_of(chunks, 0, [], 48, 100) == 48  # at most a segment: every resume starts before it
    assert fade_window((96, 192), 8, 144) == (184, 192) and fade_window((96, None), 8, 96) is None
    with pytest.raises(OptionError, match="reaches before"):
        fade_window((96, 192), 60, 144)
