from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from videostyle.errors import OptionError, OutputError
from videostyle.media.audio import PcmAudio
from videostyle.media.video_reader import Frame, probe_video, read_frames
from videostyle.media.codecs import ColorTags, Encoding
from videostyle.media.video_writer import VideoWriter

NTSC = Fraction(30000, 1001)


def _copy(src: Path, out: Path, **options: object) -> VideoWriter:
    start, duration = options.get("start"), options.get("duration")
    with VideoWriter(out, like=probe_video(src), audio_from=src, **options) as writer:  # type: ignore[arg-type]
        for frame in read_frames(src, start, duration):  # type: ignore[arg-type]
            writer.write(frame)
    return writer


def _audio(path: Path) -> tuple[str, float]:
    """Codec name and duration in seconds of the first audio stream, from its packets."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        packets = [p for p in container.demux(stream) if p.size]
        end = max(float((p.pts + p.duration) * p.time_base) for p in packets)
        start = min(float(p.pts * p.time_base) for p in packets)
        return stream.codec_context.name, end - max(start, 0.0)


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if ".part" in p.name]


def test_mp4_round_trip_keeps_timing_and_copies_audio(tmp_path: Path, clip: Callable[..., Path]) -> None:
    src = clip(frames=24)
    writer = _copy(src, tmp_path / "out.mp4")
    assert writer.frames_written == 24 and writer.audio_mode == "copy"
    info = probe_video(tmp_path / "out.mp4")
    assert info.fps == NTSC and info.frame_count == 24
    assert [f.pts for f in read_frames(tmp_path / "out.mp4")] == [f.pts for f in read_frames(src)]
    codec, seconds = _audio(tmp_path / "out.mp4")
    assert codec == "aac" and seconds == pytest.approx(_audio(src)[1], abs=1 / 30)
    data = (tmp_path / "out.mp4").read_bytes()
    assert data.find(b"moov") < data.find(b"mdat"), "faststart puts the index first"


@pytest.mark.parametrize("ext", [".mov", ".mkv"])
def test_other_h264_containers(tmp_path: Path, clip: Callable[..., Path], ext: str) -> None:
    writer = _copy(clip(), tmp_path / f"out{ext}")
    info = probe_video(tmp_path / f"out{ext}")
    assert writer.audio_mode == "copy" and info.audio_codec == "aac"
    assert info.fps == NTSC and len(list(read_frames(tmp_path / f"out{ext}"))) == 12


def test_webm_transcodes_audio_to_opus(tmp_path: Path, clip: Callable[..., Path]) -> None:
    writer = _copy(clip(), tmp_path / "out.webm", preset="ultrafast")
    assert writer.audio_mode == "transcode"
    assert len(list(read_frames(tmp_path / "out.webm"))) == 12
    codec, seconds = _audio(tmp_path / "out.webm")
    assert codec == "opus" and seconds == pytest.approx(12 / NTSC, abs=1 / 30)


def test_gif_has_right_frames_and_no_audio(tmp_path: Path, clip: Callable[..., Path]) -> None:
    src = clip()
    with VideoWriter(tmp_path / "out.gif", like=probe_video(src), audio_from=src) as writer:
        for frame in read_frames(src):
            writer.write(Frame(frame.rgb[:21, :33], frame.pts, frame.time_base))  # any size works for GIF
    assert writer.audio_mode == "drop"
    frames = list(read_frames(tmp_path / "out.gif"))
    assert len(frames) == 12 and frames[0].rgb.shape == (21, 33, 3)
    assert frames[-1].time == pytest.approx(11 / NTSC, abs=0.01)
    assert not probe_video(tmp_path / "out.gif").has_audio


def test_trimming_starts_at_zero_and_cuts_audio(tmp_path: Path, clip: Callable[..., Path]) -> None:
    writer = _copy(clip(frames=30), tmp_path / "cut.mp4", start=0.3, duration=0.4)
    assert writer.frames_written == 12 and writer.audio_mode == "transcode"
    frames = list(read_frames(tmp_path / "cut.mp4"))
    assert len(frames) == 12 and frames[0].pts == 0
    codec, seconds = _audio(tmp_path / "cut.mp4")
    assert codec == "aac" and seconds == pytest.approx(0.4, abs=1 / 30)


def test_frames_from_stills_are_spaced_by_fps(tmp_path: Path, tone: Callable[..., np.ndarray]) -> None:
    sound = PcmAudio(chunks=(tone(0.25, 44100, 2) for _ in range(2)), rate=44100)
    with VideoWriter(tmp_path / "zoom.mp4", fps=Fraction(24), audio_from=sound) as writer:
        for level in range(12):
            writer.write(np.full((32, 48, 3), level * 20, dtype=np.uint8))
    assert writer.audio_mode == "transcode"
    frames = list(read_frames(tmp_path / "zoom.mp4"))
    assert [f.pts * f.time_base for f in frames] == [Fraction(i, 24) for i in range(12)]
    assert probe_video(tmp_path / "zoom.mp4").fps == 24
    codec, seconds = _audio(tmp_path / "zoom.mp4")
    assert codec == "aac" and seconds == pytest.approx(0.5, abs=1 / 24)


def test_colours_survive_with_bt709_tags(tmp_path: Path) -> None:
    colours = BANDS
    picture = np.repeat(np.repeat(colours[None], 16, axis=1), 32, axis=0)  # 32x96 bands
    with VideoWriter(tmp_path / "bands.mp4", fps=24) as writer:
        for _ in range(3):
            writer.write(picture)
    decoded = next(read_frames(tmp_path / "bands.mp4")).rgb
    assert np.abs(decoded[16, 8::16].astype(int) - colours).max() <= 4
    with av.open(str(tmp_path / "bands.mp4")) as container:
        context = container.streams.video[0].codec_context
        assert (context.colorspace, context.color_primaries, context.color_trc) == (1, 1, 1)


BANDS = np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0], [20, 200, 90], [128, 128, 128]], np.uint8)


def _bt2020_full_range(path: Path) -> Path:
    """Colour bands encoded with the BT.2020 matrix in full range, and tagged so (PQ transfer)."""
    picture = np.repeat(np.repeat(BANDS[None], 16, axis=1), 32, axis=0)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=24)
        stream.width, stream.height, stream.pix_fmt = 96, 32, "yuv420p"
        ColorTags(primaries=9, trc=16, space=9, range=2).tag(stream.codec_context)
        for index in range(3):
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24").reformat(format="yuv420p", dst_colorspace=9, dst_color_range=2)
            frame.pts = index
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


@pytest.mark.parametrize("encoding", [Encoding(), Encoding("h265", "yuv420p10le"), Encoding("prores4444")])
def test_colour_tags_and_the_matrix_are_carried_from_the_input(tmp_path: Path, encoding: Encoding) -> None:
    source = _bt2020_full_range(tmp_path / "in.mp4")
    assert probe_video(source).color == ColorTags(primaries=9, trc=16, space=9, range=2)
    target = _copy(source, tmp_path / "out.mov", encoding=encoding, crf=0).path
    with av.open(str(target)) as container:
        context = container.streams.video[0].codec_context
        full = 1 if encoding.codec == "prores4444" else 2  # ProRes is limited range only
        assert (context.color_primaries, context.color_trc, context.colorspace, context.color_range) == (9, 16, 9, full)
        assert next(container.decode(video=0)).colorspace == 9  # the bitstream says so too (ProRes frame headers)
    before, after = next(read_frames(source)).rgb, next(read_frames(target)).rgb
    after = after if after.dtype == np.uint8 else np.round(after * 255)
    assert np.abs(after[16, 8::16].astype(int) - before[16, 8::16]).max() <= 3  # the same matrix and range both ways


def test_odd_size_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="even"), VideoWriter(tmp_path / "odd.mp4", fps=24) as writer:
        writer.write(np.zeros((31, 48, 3), dtype=np.uint8))
    assert list(tmp_path.iterdir()) == []


def test_existing_output_is_refused_at_construction(tmp_path: Path, clip: Callable[..., Path]) -> None:
    src = clip()
    (tmp_path / "out.mp4").write_bytes(b"precious")
    with pytest.raises(OutputError, match="exists"):
        VideoWriter(tmp_path / "out.mp4", like=probe_video(src))
    assert (tmp_path / "out.mp4").read_bytes() == b"precious"
    _copy(src, tmp_path / "out.mp4", overwrite=True)
    assert probe_video(tmp_path / "out.mp4").frame_count == 12


def test_failure_midway_leaves_nothing(tmp_path: Path, clip: Callable[..., Path]) -> None:
    src = clip()
    (tmp_path / "out.mp4").write_bytes(b"precious")
    with pytest.raises(RuntimeError, match="boom"):
        with VideoWriter(tmp_path / "out.mp4", like=probe_video(src), audio_from=src, overwrite=True) as writer:
            for index, frame in enumerate(read_frames(src)):
                if index == 5:
                    raise RuntimeError("boom")
                writer.write(frame)
    assert (tmp_path / "out.mp4").read_bytes() == b"precious"
    assert _leftovers(tmp_path) == []


def test_closed_generator_discards_output(tmp_path: Path, clip: Callable[..., Path]) -> None:
    src = clip()

    def stylize() -> Iterator[int]:
        with VideoWriter(tmp_path / "out.mp4", like=probe_video(src)) as writer:
            for frame in read_frames(src):
                writer.write(frame)
                yield writer.frames_written

    progress = stylize()
    assert next(progress) == 1 and next(progress) == 2
    progress.close()
    assert not (tmp_path / "out.mp4").exists() and _leftovers(tmp_path) == []


def test_no_frames_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="no frames"), VideoWriter(tmp_path / "empty.mp4", fps=24):
        pass
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"crf": 52}, OptionError, "crf"),
        ({"crf": 18.5}, OptionError, "crf"),
        ({"preset": "quick"}, OptionError, "preset"),
        ({"start": -1.0}, OptionError, "start"),
    ],
)
def test_bad_options_are_refused_before_any_work(tmp_path: Path, options: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        VideoWriter(tmp_path / "out.mp4", fps=24, **options)
    assert list(tmp_path.iterdir()) == []


def test_unknown_output_extension(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"\.avi"):
        VideoWriter(tmp_path / "out.avi", fps=24)


def test_frames_keep_their_own_pts(tmp_path: Path) -> None:
    """Variable frame rate survives: the writer takes each frame's pts, not its index."""
    base = Fraction(1, 1000)
    stamps = [0, 40, 80, 200, 240]
    with VideoWriter(tmp_path / "vfr.mkv", fps=25) as writer:
        for pts in stamps:
            writer.write(Frame(np.zeros((16, 16, 3), np.uint8), pts * 1, base))
    assert [f.pts for f in read_frames(tmp_path / "vfr.mkv")] == stamps
