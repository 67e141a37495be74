"""MP3 soundtracks are copied, and streams the output cannot keep are named in a warning."""

from __future__ import annotations

import warnings
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from tests.conftest import clip_frame
from videostyle.media import VideoWriter, probe_video, read_frames
from videostyle.media.audio import StreamsDropped, plan_audio
from videostyle.media.codecs import Encoding
from videostyle.video import OutputOptions, open_video


def _clip_with_tracks(path: Path, codecs: tuple[str, ...], frames: int = 6) -> Path:
    """A tiny H.264 clip with one audio track per entry of ``codecs`` (silence)."""
    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=25)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        tracks = []
        for codec in codecs:
            stream = out.add_stream(codec, rate=48000)
            stream.layout = "stereo"
            tracks.append(stream)
        for index in range(frames):
            picture = av.VideoFrame.from_ndarray(clip_frame(index, (64, 48)), format="rgb24")
            picture.pts = index
            out.mux(video.encode(picture))
        out.mux(video.encode(None))
        for stream in tracks:
            context = stream.codec_context
            dtype = {"s32p": np.int32, "s16p": np.int16, "s16": np.int16}.get(context.format.name, np.float32)
            size = context.frame_size or 1024
            for start in range(0, 48000 * frames // 25, size):
                silence = np.zeros((2, size) if context.format.is_planar else (1, 2 * size), dtype=dtype)
                chunk = av.AudioFrame.from_ndarray(silence, format=context.format.name, layout="stereo")
                chunk.sample_rate, chunk.pts = 48000, start
                out.mux(stream.encode(chunk))
            out.mux(stream.encode(None))
    return path


def _copy(source: Path, target: Path) -> None:
    info = probe_video(source)
    with VideoWriter(target, like=info, audio_from=source) as writer:
        for frame in read_frames(source):
            writer.write(frame)


def test_mp3_is_copied_not_re_encoded(tmp_path):
    source = _clip_with_tracks(tmp_path / "in.mkv", ("libmp3lame",))
    assert probe_video(source).audio_codec == "mp3"
    assert plan_audio(source, ".mp4", trimmed=False) == "copy"
    _copy(source, tmp_path / "out.mp4")
    assert probe_video(tmp_path / "out.mp4").audio_codec == "mp3"


def test_extra_audio_tracks_are_named_in_one_warning(tmp_path):
    source = _clip_with_tracks(tmp_path / "in.mkv", ("aac", "aac"))
    with pytest.warns(StreamsDropped, match="1 audio stream"):
        _copy(source, tmp_path / "out.mp4")
    with av.open(str(tmp_path / "out.mp4")) as out:
        assert len(out.streams.audio) == 1


def test_a_gif_says_its_soundtrack_is_left_out_and_a_plain_clip_says_nothing(tmp_path):
    source = _clip_with_tracks(tmp_path / "in.mp4", ("aac",))
    with pytest.warns(StreamsDropped, match="1 audio"):
        plan_audio(source, ".gif", trimmed=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert plan_audio(source, ".mp4", trimmed=False) == "copy"


def _audio_packets(path: Path) -> list[tuple[bytes, float]]:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        return [(bytes(p), float(p.pts * p.time_base)) for p in container.demux(stream) if p.size]


@pytest.mark.parametrize("target, encoding, work_dir", [
    ("out.mp4", Encoding(), False), ("out.mov", Encoding("prores4444"), False), ("out.mov", Encoding(), True),
])
def test_aac_audio_is_copied_bit_exact(clip, tmp_path, target, encoding, work_dir):
    source = clip(size=(32, 24), frames=12, fps=Fraction(24))
    if work_dir:  # written in resumable segments, joined at the end
        job = open_video(source, OutputOptions(work_dir=tmp_path / "work"))
        sink, _ = job.writer(tmp_path / target)
        with sink:
            for frame in job.frames():
                sink.write(frame)
    else:
        with VideoWriter(tmp_path / target, like=probe_video(source), audio_from=source, encoding=encoding) as writer:
            for frame in read_frames(source):
                writer.write(frame)
    copied, original = _audio_packets(tmp_path / target), _audio_packets(source)
    assert probe_video(tmp_path / target).audio_codec == "aac" and len(original) > 10
    assert [data for data, _ in copied] == [data for data, _ in original]
    assert [time for _, time in copied] == pytest.approx([time for _, time in original], abs=1e-6)
