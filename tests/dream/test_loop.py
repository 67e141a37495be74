"""Seamless zoom loops: the last frame leads into the first no harder than the clip's median step."""

import re
from statistics import median

import numpy as np
import pytest

from videostyle.dream import Motion, parse_schedule
from videostyle.dream.loop import LoopSink, frame_change, loop_overlap
from videostyle.errors import OptionError
from videostyle.media import Frame, read_frames, write_image
from videostyle.video import FrameList

from ..cli import run


def test_the_loop_sink_rotates_and_fades_the_overlap():
    """Dream frames 0..6 of a 4-frame loop, overlap 2, warm-up 1: d0 dropped, d1 d2 held; out = d3, d4,
    fade(d5 -> d1), d2 (the fade complete), then the wrap into d3: one step of the dream."""
    kept = FrameList()
    sink = LoopSink(kept, 4, 2, warmup=1)
    with sink:
        for i in range(sink.total):
            sink.write(Frame(np.full((2, 2, 3), 20 * i, np.uint8), i + 7, 1))
    levels = [int(f.rgb[0, 0, 0]) for f in kept.frames]
    assert [f.pts for f in kept.frames] == [0, 1, 2, 3]
    assert levels == [60, 80, 60, 40]  # fade(100 -> 20) halfway = 60
    assert sink.closure.change == pytest.approx(20 / 255)


def test_a_120_frame_zoom_loop_closes_within_the_median_change(tmp_path, capsys, cat):
    source, target = tmp_path / "cat.png", tmp_path / "loop.mp4"
    write_image(cat, source)
    code, out, err = run(
        capsys, "dream", source, "-o", target, "--loop", "--frames", "120", "--zoom", "1.03", "--rotate", "0.5",
        "--size", "32", "--crf", "0", "--octaves", "1", "--steps", "1", "--jitter", "0", "--seed", "0", "--quiet",
    )
    assert code == 0, err
    text = " ".join((out + err).split())
    said = re.search(r"loop closure: last -> first frame changes ([\d.]+), the median frame-to-frame change is ([\d.]+)", text)
    assert said, out + err
    frames = [f.rgb for f in read_frames(target)]
    assert len(frames) == 120
    steps = [frame_change(a, b) for a, b in zip(frames, frames[1:])]
    closure = frame_change(frames[-1], frames[0])
    # by construction the wrap is one step of the dream, so the closure is an ordinary step: about the median,
    # within a step's spread (1.01-1.02x here at 32 px, 0.96x at 64). Without --loop it is 9.6x the median.
    assert closure <= 1.1 * median(steps)
    assert float(said[1]) <= 1.1 * float(said[2])
    assert loop_overlap(120) == 24


def test_loop_is_for_zoom_animations(tmp_path, cat):
    from videostyle.dream import iter_dream_file
    from videostyle.progress import drain

    write_image(cat, tmp_path / "cat.png")
    with pytest.raises(OptionError, match="--loop"):
        drain(iter_dream_file(tmp_path / "cat.png", tmp_path / "o.png", loop=True))
