"""Dreams that move with the music: the driven parameters jump on the frames of the clicks."""

from fractions import Fraction

import av
import pytest

from videostyle.dream import DreamOptions, Motion, parse_schedule
from videostyle.dream.dreamer import Dreamer
from videostyle.dream.run import iter_dream_animation
from videostyle.errors import OptionError
from videostyle.progress import drain
from videostyle.timeline.react import ReactOptions

from ..timeline.test_audio import CLICKS, peaks, write_clicks


def test_a_zoom_animation_moves_on_the_clicks_and_carries_the_soundtrack(tmp_path, cat, monkeypatch, lite0):
    audio = write_clicks(tmp_path / "clicks.wav", [f / 30 for f in CLICKS], seconds=3.0)
    seen = []
    apply = Motion.apply

    def spy(self, image, moment, nudge=(0.0, 0.0)):
        seen.append((moment.index, nudge[0]))
        return apply(self, image, moment, nudge)

    monkeypatch.setattr(Motion, "apply", spy)
    steps = []
    run = Dreamer.run

    def spy_run(self, image, steps_=None):
        steps.append(self.options.step_size)
        return run(self, image, steps_)

    monkeypatch.setattr(Dreamer, "run", spy_run)
    dreamer = Dreamer(DreamOptions(octaves=1, steps=1, jitter=0, seed=0), "cpu", backbone=lite0)
    react = ReactOptions(("zoom=onset:0.05", "step=onset:2"), audio)
    target = tmp_path / "beat.mp4"
    drain(iter_dream_animation(cat[..., :32, :48], target, dreamer, Motion(parse_schedule("1.01")), 45, Fraction(30), react=react))
    assert [i for i, z in seen if z > 0.025] == list(CLICKS)
    assert peaks(steps, 0.02) == list(CLICKS)  # 0.01 x (1 + 2 x onset)
    with av.open(str(target)) as container:
        (sound,) = container.streams.audio
        assert float(sound.duration * sound.time_base) == pytest.approx(1.5, abs=0.05)  # cut to the video
    with pytest.raises(OptionError, match="--loop"):
        drain(iter_dream_animation(cat, tmp_path / "x.mp4", dreamer, frames=5, loop=True, react=react))
