from collections.abc import Callable
from pathlib import Path

import av
import numpy as np
import pytest

from videostyle.media import audio
from videostyle.media.audio import PcmAudio, plan_audio
from videostyle.media.video_reader import probe_video, read_frames
from videostyle.media.video_writer import VideoWriter


def test_plan(clip: Callable[..., Path]) -> None:
    with_aac, mute = clip(), clip("mute.mp4", audio=False)
    assert plan_audio(with_aac, ".mp4", trimmed=False) == "copy"
    assert plan_audio(with_aac, ".mp4", trimmed=True) == "transcode"
    assert plan_audio(with_aac, ".webm", trimmed=False) == "transcode"
    assert plan_audio(with_aac, ".gif", trimmed=False) == "drop"
    assert plan_audio(mute, ".mp4", trimmed=False) is None
    assert plan_audio(None, ".mp4", trimmed=False) is None
    assert plan_audio(PcmAudio([], 48000), ".mkv", trimmed=False) == "transcode"


def test_pcm_audio_is_validated() -> None:
    with pytest.raises(ValueError, match="channels"):
        PcmAudio([], 48000, channels=6)


def test_audio_is_muxed_while_frames_are_written(
    tmp_path: Path, clip: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Memory must not grow with the clip: audio goes out in step with the video, not all at the end."""
    original = audio.AudioTrack.mux_until
    muxed_at: list[float] = []

    def spy(self: audio.AudioTrack, seconds: float) -> None:
        before = self._pending
        original(self, seconds)
        if self._pending is not before:
            muxed_at.append(seconds)

    monkeypatch.setattr(audio.AudioTrack, "mux_until", spy)
    src = clip(frames=60)
    with VideoWriter(tmp_path / "out.mkv", like=probe_video(src), audio_from=src) as writer:
        for frame in read_frames(src):
            writer.write(frame)
    during = [t for t in muxed_at if t != float("inf")]
    assert len(during) > 10 and max(during) > 1.0


def test_mono_pcm_in_webm(tmp_path: Path, tone: Callable[..., np.ndarray]) -> None:
    sound = PcmAudio([tone(0.5, 22050, 1)], rate=22050, channels=1)  # Opus has no 22.05 kHz: resampled
    with VideoWriter(tmp_path / "out.webm", fps=12, audio_from=sound, preset="ultrafast") as writer:
        for _ in range(6):
            writer.write(np.zeros((16, 16, 3), np.uint8))
    info = probe_video(tmp_path / "out.webm")
    assert info.audio_codec == "opus" and info.has_audio


def _click_time(path: Path) -> float:
    """Time of the first loud sample in the decoded audio of ``path``."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        frames = list(container.decode(stream))
    samples = np.concatenate([f.to_ndarray()[0] for f in frames])  # planar: first channel
    return float(frames[0].pts * frames[0].time_base) + int(np.argmax(np.abs(samples) > 0.3)) / stream.sample_rate


def test_trimmed_audio_stays_in_sync(tmp_path: Path) -> None:
    rate = 48000
    signal = np.zeros((2, rate), np.float32)
    signal[:, rate // 2 : rate // 2 + 240] = 0.9  # a click at 0.5 s
    src = tmp_path / "src.mp4"
    with VideoWriter(src, fps=25, audio_from=PcmAudio([signal], rate)) as writer:
        for index in range(25):
            writer.write(np.full((16, 16, 3), index * 8, np.uint8))
    assert _click_time(src) == pytest.approx(0.5, abs=0.002)
    with VideoWriter(tmp_path / "cut.mp4", like=probe_video(src), audio_from=src, start=0.3, duration=0.5) as writer:
        for frame in read_frames(src, start=0.3, duration=0.5):
            writer.write(frame)
    # Frames are 0.04 s apart, so the cut video starts with the frame at 0.32 s.
    assert _click_time(tmp_path / "cut.mp4") == pytest.approx(0.5 - 0.32, abs=0.002)
