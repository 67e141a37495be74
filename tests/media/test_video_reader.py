import inspect
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from videostyle.errors import InputError, OptionError
from videostyle.media.video_reader import probe_video, read_frames

NTSC = Fraction(30000, 1001)
MARKER = (255, 0, 0)  # the block conftest's clips carry in their coded top-right corner


def _is_marker(patch: np.ndarray) -> bool:
    return bool(np.abs(patch.reshape(-1, 3).mean(axis=0) - MARKER).max() < 20)


def test_probe(clip: Callable[..., Path]) -> None:
    info = probe_video(clip(frames=12))
    assert (info.width, info.height) == (64, 48)
    assert info.fps == NTSC and isinstance(info.fps, Fraction)
    assert info.time_base == Fraction(1, 30000)
    assert info.frame_count == 12
    assert info.duration == pytest.approx(12 / NTSC)
    assert info.rotation == 0
    assert info.has_audio and info.audio_codec == "aac"
    assert not probe_video(clip("mute.mp4", audio=False)).has_audio


def test_frames_stream_with_exact_timestamps(clip: Callable[..., Path], clip_frame: Callable[..., np.ndarray]) -> None:
    frames = read_frames(clip(frames=12))
    assert inspect.isgenerator(frames)
    frames = list(frames)
    assert [f.pts for f in frames] == [i * 1001 for i in range(12)]
    assert frames[5].time_base == Fraction(1, 30000) and frames[5].time == pytest.approx(5 / NTSC)
    for index, frame in enumerate(frames):
        assert frame.rgb.dtype == np.uint8 and frame.rgb.shape == (48, 64, 3)
        assert abs(int(frame.rgb[30, 20, 1]) - int(clip_frame(index, (64, 48))[30, 20, 1])) <= 3
        assert _is_marker(frame.rgb[:8, -8:])


def test_mkv_millisecond_timestamps_keep_the_exact_rate(clip: Callable[..., Path]) -> None:
    assert probe_video(clip("in.mkv", audio=False)).fps == NTSC


@pytest.mark.parametrize(("rotation", "corner"), [(90, "top-left"), (-90, "bottom-right"), (180, "bottom-left")])
def test_rotated_clip_comes_out_upright(clip: Callable[..., Path], rotation: int, corner: str) -> None:
    # The marker is coded top-right; the display matrix turns the picture `rotation` degrees counter-clockwise.
    path = clip(rotation=rotation, audio=False)
    info = probe_video(path)
    assert info.rotation == rotation % 360
    upright = (48, 64) if rotation % 180 else (64, 48)
    assert (info.width, info.height) == upright
    rgb = next(read_frames(path)).rgb
    assert rgb.shape == (upright[1], upright[0], 3)
    corners = {
        "top-left": rgb[:8, :8],
        "top-right": rgb[:8, -8:],
        "bottom-left": rgb[-8:, :8],
        "bottom-right": rgb[-8:, -8:],
    }
    assert [name for name, patch in corners.items() if _is_marker(patch)] == [corner]


def test_trimming(clip: Callable[..., Path]) -> None:
    path = clip(frames=30)
    frames = list(read_frames(path, start=0.3, duration=0.4))
    times = [f.time for f in frames]
    assert times[0] >= 0.3 and times[0] < 0.3 + 1 / NTSC and times[-1] < 0.7
    assert len(frames) == 12 == probe_video(path).count_frames(0.3, 0.4)
    assert len(list(read_frames(path, duration=0.2))) == 6
    assert probe_video(path).count_frames() == 30


def test_trimming_past_the_end(clip: Callable[..., Path]) -> None:
    with pytest.raises(InputError, match="after 5 s"):
        list(read_frames(clip(), start=5.0))


@pytest.mark.parametrize(("start", "duration"), [(-1.0, None), (None, 0.0), (float("nan"), None)])
def test_bad_trimming_values(clip: Callable[..., Path], start: float | None, duration: float | None) -> None:
    with pytest.raises(OptionError):
        next(read_frames(clip(), start=start, duration=duration))


Maker = Callable[[Path, pytest.FixtureRequest], Path]


def _truncated_without_index(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    data = request.getfixturevalue("clip")("whole.mp4", frames=30, faststart=False).read_bytes()
    (tmp_path / "cut.mp4").write_bytes(data[: len(data) // 2])
    return tmp_path / "cut.mp4"


def _unknown_codec(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    data = request.getfixturevalue("clip")("whole.mkv", audio=False).read_bytes()
    (tmp_path / "odd.mkv").write_bytes(data.replace(b"V_MPEG4/ISO/AVC", b"V_QQQQQ/ISO/AVC"))
    return tmp_path / "odd.mkv"


def _file(name: str, data: bytes) -> Maker:
    def make(tmp_path: Path, _: pytest.FixtureRequest) -> Path:
        (tmp_path / name).write_bytes(data)
        return tmp_path / name

    return make


BROKEN: dict[str, Maker] = {
    "missing": lambda tmp_path, _: tmp_path / "missing.mp4",
    "folder": lambda tmp_path, _: tmp_path,
    "empty": _file("empty.mp4", b""),
    "text": _file("notes.mp4", b"just some text\n" * 50),
    "garbage": _file("noise.mp4", np.random.default_rng(0).bytes(8192)),
    "truncated": _truncated_without_index,
    "audio-only": lambda _, request: request.getfixturevalue("audio_only")(),
    "unknown-codec": _unknown_codec,
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_input_gives_one_input_error(tmp_path: Path, request: pytest.FixtureRequest, case: str) -> None:
    path = BROKEN[case](tmp_path, request)
    with pytest.raises(InputError) as probed:
        probe_video(path)
    with pytest.raises(InputError):
        list(read_frames(path))
    assert "\n" not in str(probed.value)


def test_damaged_tail_is_salvaged(tmp_path: Path, clip: Callable[..., Path]) -> None:
    data = clip("whole.mp4", frames=30, audio=False).read_bytes()
    (tmp_path / "cut.mp4").write_bytes(data[: len(data) * 2 // 3])
    count = len(list(read_frames(tmp_path / "cut.mp4")))
    assert 5 < count < 30


def _hashes(frames) -> list[tuple[int, bytes]]:
    return [(frame.pts, frame.rgb.tobytes()) for frame in frames]


@pytest.mark.parametrize("name", ["in.mp4", "in.mkv"])
def test_skipping_seeks_and_gives_the_frames_of_a_plain_read(clip: Callable[..., Path], monkeypatch, name: str) -> None:
    from videostyle.media import video_reader

    path = clip(name, frames=60, gop=12, audio=False)
    whole = _hashes(read_frames(path))
    trimmed = _hashes(read_frames(path, start=0.5, duration=1.2))
    decoded = []
    plain = video_reader._decode

    def counting(container, stream):
        for frame in plain(container, stream):
            decoded.append(frame.pts)
            yield frame

    monkeypatch.setattr(video_reader, "_decode", counting)
    for skip in (1, 11, 12, 13, 37, 59):
        decoded.clear()
        assert _hashes(read_frames(path, skip=skip)) == whole[skip:]
        assert len(decoded) < 60 - skip + 12 + 4  # from the keyframe before (and some B-frames), not from frame 0
    for skip in (3, 20):
        assert _hashes(read_frames(path, start=0.5, duration=1.2, skip=skip)) == trimmed[skip:]
    assert list(read_frames(path, skip=60)) == []


def test_skipping_without_packet_timestamps_decodes_from_the_start(tmp_path: Path, clip: Callable[..., Path]) -> None:
    import av

    raw = tmp_path / "raw.h264"
    with av.open(str(clip(frames=30, gop=10, audio=False))) as source, av.open(str(raw), "w") as out:
        stream = out.add_stream_from_template(source.streams.video[0])
        for packet in source.demux(source.streams.video[0]):
            if packet.size:
                packet.stream = stream
                out.mux(packet)
    whole = _hashes(read_frames(raw))
    assert len(whole) == 30 and _hashes(read_frames(raw, skip=17)) == whole[17:]
