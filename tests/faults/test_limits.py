"""Size caps and finiteness: no run allocates without bound or writes a picture of NaNs."""

from __future__ import annotations

from videostyle.feedforward import pipeline
from videostyle.media import probe_video
from videostyle.resize import NETWORK_CAP, fit_size

from tests.cli import run


def test_model_video_without_size_is_capped_like_images(tmp_path, clip, tiny_model, capsys, monkeypatch):
    monkeypatch.setattr(pipeline, "NETWORK_CAP", 32)
    source = clip(size=(64, 48), frames=2, audio=False)
    code, _, err = run(capsys, "stylize", source, "--model", tiny_model, "-o", tmp_path / "o.mp4", "--quiet")
    assert code == 0, err
    info = probe_video(tmp_path / "o.mp4")
    assert (info.width, info.height) == (32, 24)


def test_the_cap_is_the_image_cap_and_size_overrides_it():
    assert fit_size(8192, 8192, None, cap=NETWORK_CAP) == (4096, 4096)
    assert fit_size(8192, 8192, 8192, cap=NETWORK_CAP) == (8192, 8192)
