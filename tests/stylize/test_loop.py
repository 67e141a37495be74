"""stylize --loop: a clip whose source loops is stylized so that its end leads into its start."""

import numpy as np
import pytest

from videostyle.errors import OptionError
from videostyle.media import read_frames
from videostyle.progress import LoopClosure
from videostyle.stylize import StyleOptions, iter_stylize_video
from videostyle.timeline import TimelineOptions
from videostyle.timeline.loop import frame_change
from videostyle.video import OutputOptions

from ..conftest import circling_clip

FRAMES = 16  # circling_clip's default


def _stylize(source, target, style, loop):
    events = list(iter_stylize_video(source, target, [style], StyleOptions(steps=4, seed=0), OutputOptions(size=48),
                                     timeline=TimelineOptions(loop=loop)))
    return [e for e in events if isinstance(e, LoopClosure)], [f.rgb for f in read_frames(target)]


def test_a_looped_clip_wraps_no_harder_than_its_median_step(tmp_path, stripes):
    source = circling_clip(tmp_path / "circle.mp4")
    closures, frames = _stylize(source, tmp_path / "loop.mp4", stripes, loop=True)
    (closure,) = closures
    assert len(frames) == FRAMES  # the pre-rolled end is not written
    # measured on the written file (H.264 adds its own noise to both)
    changes = [frame_change(a, b) for a, b in zip(frames, frames[1:])]
    wrap = frame_change(frames[-1], frames[0])
    assert wrap <= np.median(changes) and closure.change <= closure.median
    _, plain = _stylize(source, tmp_path / "plain.mp4", stripes, loop=False)
    assert frame_change(plain[-1], plain[0]) > 1.2 * wrap  # without --loop the first frame comes from nowhere


def test_loop_refuses_keyframes(tmp_path):
    with pytest.raises(OptionError, match="--loop"):
        list(iter_stylize_video(circling_clip(tmp_path / "c.mp4", frames=4), tmp_path / "o.mp4", [], StyleOptions(steps=1),
                                OutputOptions(size=32), timeline=TimelineOptions(style_at=("0:s.png",), loop=True)))
