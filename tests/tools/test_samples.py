from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from tools import samples
from videostyle.errors import OutputError
from videostyle.media import probe_video, read_image

pytest.importorskip("skimage")


def test_generate_writes_every_sample(tmp_path: Path) -> None:
    written = samples.generate(tmp_path)  # about 4 s
    assert {p.relative_to(tmp_path).as_posix() for p in written} == {
        "photo.jpg",
        "clip.mp4",
        "styles/stained_glass.png",
        "styles/brush_strokes.png",
        "styles/ink_rings.png",
    }
    for style in (tmp_path / "styles").iterdir():
        assert read_image(style).shape == (1, 3, 512, 512)
    info = probe_video(tmp_path / "clip.mp4")
    assert (info.width, info.height, info.fps, info.frame_count) == (384, 256, Fraction(24), 96)
    assert info.audio_codec == "aac"
    assert sum(p.stat().st_size for p in written) < 3_000_000
    with pytest.raises(OutputError, match="exists"):
        samples.generate(tmp_path)


def test_styles_are_deterministic_and_distinct() -> None:
    rings = samples.ink_rings(size=128)
    np.testing.assert_array_equal(rings, samples.ink_rings(size=128))
    glass = samples.stained_glass(size=128)
    assert rings.shape == glass.shape == (128, 128, 3) and rings.dtype == np.uint8
    assert np.abs(rings.astype(int) - glass).mean() > 40
    assert rings[..., 2].mean() > rings[..., 0].mean() + 40  # blue ink


def test_audio_has_a_pluck_at_each_bounce() -> None:
    sound = samples.clip_audio()
    assert sound.shape == (2, samples.CLIP_SECONDS * samples.AUDIO_RATE) and np.abs(sound).max() <= 1.0
    for when in samples._bounce_times():
        start = int(when * samples.AUDIO_RATE)
        before = np.abs(sound[:, start - 2400 : start]).max()
        after = np.abs(sound[:, start : start + 2400]).max()
        assert after > before + 0.1
