import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
import torch

from videostyle.errors import OutputError
from videostyle.media.segments import ResumeDiscarded, SegmentedVideoWriter, _Record, job_folder
from videostyle.media.video_reader import Frame, VideoInfo, probe_video, read_frames
from videostyle.media.video_writer import VideoWriter

FPS = Fraction(24)


@pytest.fixture
def source(clip: Callable[..., Path]) -> Path:
    """3 s of 64x48 at 24 fps with an AAC soundtrack."""
    return clip(frames=72, fps=FPS)


def _state(index: int) -> dict[str, torch.Tensor]:
    """What a driver would hand over after frame ``index``: a stylized frame and some prior tensors."""
    generator = torch.Generator().manual_seed(index)
    return {
        "previous": torch.rand(1, 3, 48, 64, generator=generator),
        "half": torch.randn(4, 4, generator=generator).to(torch.bfloat16),
        "step": torch.tensor([index]),
    }


def _write(writer: SegmentedVideoWriter, frames: Iterable[Frame], first: int = 0, fail_at: int | None = None) -> None:
    """Drive ``writer`` like the frame driver does; raise at frame ``fail_at`` (before writing it)."""
    with writer:
        for index, frame in enumerate(frames, start=first):
            if index == fail_at:
                raise RuntimeError("crash")
            writer.write(frame)
            if writer.wants_state(index):
                writer.save_state(index, _state(index))


def _segmented(src: Path, out: Path, **options: object) -> SegmentedVideoWriter:
    return SegmentedVideoWriter(out, out.parent / ".videostyle", probe_video(src), audio_from=src, **options)  # type: ignore[arg-type]


def _resume(src: Path, out: Path, **options: object) -> SegmentedVideoWriter:
    """A rerun: ask where the job stands, check the state, skip the finished frames, write the rest."""
    writer = _segmented(src, out, **options)
    point = writer.resume_point()
    if point.frames_done:
        expected = _state(point.frames_done - 1)
        assert point.state is not None and point.state.keys() == expected.keys()
        assert all(torch.equal(point.state[k], expected[k]) for k in expected)
        assert point.state["half"].dtype == torch.bfloat16
    frames = list(read_frames(src, options.get("start"), options.get("duration")))  # type: ignore[arg-type]
    _write(writer, frames[point.frames_done :], first=point.frames_done)
    return writer


def _packets(path: Path) -> list[tuple[int, int | None, bool]]:
    with av.open(str(path)) as container:
        return [(p.pts, p.dts, p.is_keyframe) for p in container.demux(container.streams.video[0]) if p.size]


def _audio_packets(path: Path) -> list[tuple[int, bytes]]:
    with av.open(str(path)) as container:
        return [(p.pts, bytes(p)) for p in container.demux(container.streams.audio[0]) if p.size]


def _pictures(path: Path) -> list[np.ndarray]:
    return [frame.rgb for frame in read_frames(path)]


def _same_video(a: Path, b: Path) -> None:
    """Same frame count, fps, time base, pts and audio (bit for bit)."""
    info_a, info_b = probe_video(a), probe_video(b)
    assert (info_a.fps, info_a.time_base, info_a.frame_count) == (info_b.fps, info_b.time_base, info_b.frame_count)
    assert [f.pts for f in read_frames(a)] == [f.pts for f in read_frames(b)]
    assert info_a.audio_codec == info_b.audio_codec == "aac"
    assert _audio_packets(a) == _audio_packets(b)


@pytest.mark.parametrize(
    ("ext", "options"),
    [
        (".mp4", {"crf": 0}),
        (".mp4", {"crf": 18, "preset": "ultrafast"}),
        (".mov", {"crf": 18}),
        (".mkv", {"crf": 18, "start": 0.5, "duration": 2.0}),
    ],
)
def test_segmented_write_matches_plain_writer(tmp_path: Path, source: Path, ext: str, options: dict) -> None:
    plain, joined = tmp_path / f"plain{ext}", tmp_path / f"joined{ext}"
    trim = (options.get("start"), options.get("duration"))
    with VideoWriter(plain, like=probe_video(source), audio_from=source, **options) as writer:
        for frame in read_frames(source, *trim):
            writer.write(frame)
    segmented = _segmented(source, joined, segment_seconds=0.5, **options)
    _write(segmented, read_frames(source, *trim))
    assert segmented.audio_mode == writer.audio_mode
    _same_video(plain, joined)
    assert len(_pictures(joined)) == (48 if trim[0] else 72)
    if options["crf"] == 0:  # lossless: both decode to exactly the encoder's input
        assert all(np.array_equal(a, b) for a, b in zip(_pictures(plain), _pictures(joined), strict=True))
    else:  # lossy: keyframes sit elsewhere (every segment starts with one), so pixels differ a little
        errors = [np.abs(a.astype(int) - b).mean() for a, b in zip(_pictures(plain), _pictures(joined), strict=True)]
        assert max(errors) < 2.0
    keyframes = [index for index, (_, _, key) in enumerate(_packets(joined)) if key]
    assert set(range(0, len(_pictures(joined)), 12)) <= set(keyframes), "each segment starts closed"
    assert not job_folder(tmp_path / ".videostyle", joined).exists() and not list(tmp_path.glob(".*.part*"))


def test_segments_share_codec_parameters_so_packets_can_be_joined(tmp_path: Path, source: Path) -> None:
    out = tmp_path / "out.mp4"
    with pytest.raises(RuntimeError, match="crash"):
        _write(_segmented(source, out, segment_seconds=0.5), read_frames(source), fail_at=40)
    work = job_folder(tmp_path / ".videostyle", out)
    segments = sorted(work.glob("0*.mp4"))
    assert [p.stem for p in segments] == ["000000", "000001", "000002"]
    extradata = set()
    for segment in segments:
        with av.open(str(segment)) as container:
            extradata.add(bytes(container.streams.video[0].codec_context.extradata))
        assert _packets(segment)[0][0] == 0 and _packets(segment)[0][2], "relative pts, starts on a keyframe"
    assert len(extradata) == 1


def test_interrupted_then_resumed_write_equals_uninterrupted(tmp_path: Path, source: Path) -> None:
    _write(_segmented(source, tmp_path / "whole.mp4", segment_seconds=1.0), read_frames(source))
    out = tmp_path / "out.mp4"
    with pytest.raises(RuntimeError, match="crash"):
        _write(_segmented(source, out, segment_seconds=1.0), read_frames(source), fail_at=60)
    assert not out.exists()
    work = job_folder(tmp_path / ".videostyle", out)
    assert sorted(p.name for p in work.iterdir() if p.suffix == ".json") == ["000000.json", "000001.json", "job.json"]
    assert not list(work.glob("*.part*")), "the open segment is dropped"
    assert _segmented(source, out, segment_seconds=1.0).resume_point().frames_done == 48
    _resume(source, out, segment_seconds=1.0)
    _same_video(tmp_path / "whole.mp4", out)
    # Segment boundaries depend only on pts, so every segment is encoded exactly as in the whole run.
    assert _packets(tmp_path / "whole.mp4") == _packets(out)
    assert all(np.array_equal(a, b) for a, b in zip(_pictures(tmp_path / "whole.mp4"), _pictures(out), strict=True))
    assert not work.exists()


def test_crash_between_state_and_record_ignores_that_segment(
    tmp_path: Path, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.mp4"
    original = _Record.to_json

    def crash_on_second(record: _Record) -> dict[str, object]:
        if record.number == 1:
            raise OSError("power cut")
        return original(record)

    monkeypatch.setattr(_Record, "to_json", crash_on_second)
    with pytest.raises(OutputError, match="power cut"):
        _write(_segmented(source, out, segment_seconds=1.0), read_frames(source))
    monkeypatch.undo()
    work = job_folder(tmp_path / ".videostyle", out)
    assert (work / "000001.mp4").exists() and (work / "000001.safetensors").exists()
    assert not (work / "000001.json").exists()
    writer = _segmented(source, out, segment_seconds=1.0)
    assert writer.resume_point().frames_done == 24
    assert not (work / "000001.mp4").exists() and not (work / "000001.safetensors").exists()
    _resume(source, out, segment_seconds=1.0)
    assert len(_pictures(out)) == 72
    assert [f.pts for f in read_frames(out)] == [f.pts for f in read_frames(source)]


def test_killed_process_resumes(tmp_path: Path, source: Path) -> None:
    out = tmp_path / "out.mp4"
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from tests.media.test_segments import _segmented, _state
        from videostyle.media.video_reader import read_frames
        source, out = Path({str(source)!r}), Path({str(out)!r})
        with _segmented(source, out, segment_seconds=0.5) as writer:
            for index, frame in enumerate(read_frames(source)):
                if index == 41:
                    os.kill(os.getpid(), signal.SIGKILL)
                writer.write(frame)
                if writer.wants_state(index):
                    writer.save_state(index, _state(index))
        """
    )
    root = Path(__file__).parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run([sys.executable, "-c", script], cwd=root, env=env, capture_output=True, timeout=120)
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()
    work = job_folder(tmp_path / ".videostyle", out)
    assert list(work.glob("*.part*")), "the killed run left its open segment behind"
    assert not out.exists()
    _resume(source, out, segment_seconds=0.5)
    assert len(_pictures(out)) == 72
    assert [f.pts for f in read_frames(out)] == [f.pts for f in read_frames(source)]
    assert _audio_packets(out) == _audio_packets(source)
    assert not work.exists()


def test_variable_frame_rate_survives_the_join(tmp_path: Path) -> None:
    base = Fraction(1, 1000)
    # Dense runs followed by long gaps: a segment's own decode times would overlap the one before.
    stamps = [0, 40, 80, 200, 240, 250, 260, 400, 440, 480, 700, 740, 780, 820, 990, 1000, 1010, 1020, 1500, 2000, 2040]
    frames = [Frame(np.full((48, 64, 3), 10 * i, np.uint8), pts, base) for i, pts in enumerate(stamps)]
    like = VideoInfo(64, 48, Fraction(25), base, 2.1, len(stamps), 0, has_audio=False, audio_codec=None)
    for name, writer in [
        ("plain.mp4", VideoWriter(tmp_path / "plain.mp4", like)),
        ("joined.mp4", SegmentedVideoWriter(tmp_path / "joined.mp4", tmp_path / "work", like, segment_seconds=0.3)),
    ]:
        with writer:
            for index, frame in enumerate(frames):
                writer.write(frame)
                if getattr(writer, "wants_state", lambda _: False)(index):
                    writer.save_state(index, {})  # type: ignore[union-attr]
        decoded = list(read_frames(tmp_path / name))
        assert [f.pts * f.time_base for f in decoded] == [pts * base for pts in stamps]
        assert [round(f.rgb.mean() / 10) for f in decoded] == list(range(len(stamps))), "frames in order"
    dts = [d for _, d, _ in _packets(tmp_path / "joined.mp4")]
    assert dts == sorted(dts) and len(set(dts)) == len(dts)


def test_rerun_with_other_settings_starts_over(tmp_path: Path, source: Path) -> None:
    out = tmp_path / "out.mp4"
    with pytest.raises(RuntimeError, match="crash"):
        _write(_segmented(source, out, segment_seconds=0.5), read_frames(source), fail_at=20)
    with pytest.warns(ResumeDiscarded, match="other input, styles or settings; computing from frame 0"):
        assert _segmented(source, out, segment_seconds=0.5, crf=30).resume_point().frames_done == 0


def test_frames_already_done_are_refused(tmp_path: Path, source: Path) -> None:
    out = tmp_path / "out.mp4"
    with pytest.raises(RuntimeError, match="crash"):
        _write(_segmented(source, out, segment_seconds=0.5), read_frames(source), fail_at=20)
    with pytest.raises(ValueError, match="skip the first 12 frames"):
        _write(_segmented(source, out, segment_seconds=0.5), read_frames(source))


@pytest.mark.parametrize("name", ["out.webm", "out.gif", "out.png"])
def test_unsegmented_formats_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(OutputError, match="segments"):
        SegmentedVideoWriter(tmp_path / name, tmp_path / "work", fps=24)


def test_no_frames_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="no frames"), SegmentedVideoWriter(tmp_path / "o.mp4", tmp_path / "w", fps=24):
        pass
    assert not (tmp_path / "o.mp4").exists()


@pytest.mark.parametrize("root", [".", "..", "work"])
def test_work_folder_is_private_and_never_holds_the_output(tmp_path: Path, root: str) -> None:
    """--work-dir may be the output's own folder or above it, or hold the user's files: the job works in
    a private sub-folder, and the clean-up removes that alone (it once deleted the output with it)."""
    out_dir = tmp_path / "out"
    (out_dir / "work").mkdir(parents=True)
    mine = [out_dir / "notes.txt", out_dir / "work" / "notes.txt", tmp_path / "notes.txt"]
    for path in mine:
        path.write_text("mine")
    work = (out_dir / root).resolve()
    with SegmentedVideoWriter(out_dir / "x.mp4", work, fps=24, segment_seconds=0.25) as writer:
        for level in range(10):
            writer.write(np.full((32, 48, 3), level * 20, dtype=np.uint8))
    assert len(list(read_frames(out_dir / "x.mp4"))) == 10
    assert all(path.read_text() == "mine" for path in mine)
    assert not job_folder(work, out_dir / "x.mp4").exists() and work.is_dir()


def test_work_folders_of_outputs_with_similar_names_differ(tmp_path: Path) -> None:
    assert job_folder(tmp_path, tmp_path / "a" / "b.mp4") != job_folder(tmp_path, tmp_path / "a_b.mp4")
    assert job_folder(tmp_path, tmp_path / "x.mp4") == job_folder(tmp_path, tmp_path / "sub" / ".." / "x.mp4")


def test_bare_arrays_at_ntsc_rate_keep_exact_timing(tmp_path: Path) -> None:
    """Zoom loops hand over arrays spaced 1/fps apart; 30000/1001 must stay exact across segments."""
    ntsc = Fraction(30000, 1001)
    for writer in (
        VideoWriter(tmp_path / "plain.mp4", fps=ntsc),
        SegmentedVideoWriter(tmp_path / "joined.mp4", tmp_path / "work", fps=ntsc, segment_seconds=0.25),
    ):
        with writer:
            for level in range(20):
                writer.write(np.full((32, 48, 3), level * 10, dtype=np.uint8))
    times = [f.pts * f.time_base for f in read_frames(tmp_path / "joined.mp4")]
    assert times == [f.pts * f.time_base for f in read_frames(tmp_path / "plain.mp4")]
    assert times == [i / ntsc for i in range(20)] and probe_video(tmp_path / "joined.mp4").fps == ntsc


def _interrupted(tmp_path: Path, source: Path, fail_at: int = 60) -> tuple[Path, Path]:
    """A run stopped at frame ``fail_at`` (segments of 12 frames): the output and its work folder."""
    out = tmp_path / "out.mp4"
    with pytest.raises(RuntimeError, match="crash"):
        _write(_segmented(source, out, segment_seconds=0.5), read_frames(source), fail_at=fail_at)
    return out, job_folder(tmp_path / ".videostyle", out)


def _swap(work: Path) -> None:
    """Segment 2 replaced by segment 1's file: the same frame count, other pictures."""
    (work / "000002.mp4").write_bytes((work / "000001.mp4").read_bytes())


def _truncate(work: Path) -> None:
    data = (work / "000002.mp4").read_bytes()
    (work / "000002.mp4").write_bytes(data[: len(data) // 2])


def _garbage_state(work: Path) -> None:
    (work / "000002.safetensors").write_bytes(b"\x00garbage" * 10)


def _nan_state(work: Path, number: int) -> None:
    """A state that loads but is not finite (its record's digest updated, as if it had been saved so)."""
    from safetensors.torch import save_file

    from videostyle.identity import sha256_file

    state = {**_state(12 * number + 11), "previous": torch.full((1, 3, 48, 64), float("nan"))}
    save_file(state, work / f"{number:06d}.safetensors")
    record = json.loads((work / f"{number:06d}.json").read_text())
    record["state_sha256"] = sha256_file(work / f"{number:06d}.safetensors")
    (work / f"{number:06d}.json").write_text(json.dumps(record))


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (_swap, "segment 2 is missing or was changed"),
        (_truncate, "segment 2 is missing or was changed"),
        (lambda work: (work / "000002.mp4").unlink(), "segment 2 is missing or was changed"),
        (lambda work: (work / "000002.json").write_text("{not json"), "the record of segment 2 is damaged"),
        (lambda work: (work / "000002.json").write_text('{"number": 2}'), "the record of segment 2 is damaged"),
        (_garbage_state, "the state of segment 2 was changed"),
    ],
)
def test_damaged_segment_is_recomputed_not_joined(
    tmp_path: Path, source: Path, damage: Callable[[Path], None], reason: str
) -> None:
    """A segment that cannot be trusted is dropped with every later one, in one line, before any work."""
    _write(_segmented(source, tmp_path / "whole.mp4", segment_seconds=0.5), read_frames(source))
    out, work = _interrupted(tmp_path, source)
    damage(work)
    with pytest.warns(ResumeDiscarded, match=f"after frame 24: {reason}; computing from frame 24 again"):
        writer = _segmented(source, out, segment_seconds=0.5)
    assert writer.resume_point().frames_done == 24
    assert not (work / "000002.mp4").exists() and not (work / "000003.json").exists()
    _resume(source, out, segment_seconds=0.5)
    assert _packets(out) == _packets(tmp_path / "whole.mp4")
    assert all(np.array_equal(a, b) for a, b in zip(_pictures(tmp_path / "whole.mp4"), _pictures(out), strict=True))


def test_a_state_that_is_not_finite_is_not_restored(tmp_path: Path, source: Path) -> None:
    """Only the last kept state is restored: a NaN there drops that segment, and the one before resumes."""
    _write(_segmented(source, tmp_path / "whole.mp4", segment_seconds=0.5), read_frames(source))
    out, work = _interrupted(tmp_path, source)  # segments 0..4 kept
    _nan_state(work, 4)
    with pytest.warns(ResumeDiscarded, match="after frame 48: the state of segment 4 is not finite; computing from frame 48"):
        writer = _segmented(source, out, segment_seconds=0.5)
    assert writer.resume_point().frames_done == 48 and torch.isfinite(writer.resume_point().state["previous"]).all()
    _resume(source, out, segment_seconds=0.5)
    assert _packets(out) == _packets(tmp_path / "whole.mp4")


@pytest.mark.parametrize("content", [b"", b"\xff\xfe garbage", b'{"settings": 5}'])
def test_damaged_job_record_starts_over(tmp_path: Path, source: Path, content: bytes) -> None:
    out, work = _interrupted(tmp_path, source)
    (work / "job.json").write_bytes(content)
    with pytest.warns(ResumeDiscarded, match="computing from frame 0 again"):
        assert _segmented(source, out, segment_seconds=0.5).resume_point().frames_done == 0
    _resume(source, out, segment_seconds=0.5)
    assert len(_pictures(out)) == 72


def test_changed_input_file_is_not_spliced(tmp_path: Path, source: Path) -> None:
    """The identity holds the content of the files the frames come from: a new style means a new job."""
    from videostyle.identity import job_identity

    style = tmp_path / "style.png"
    style.write_bytes(b"first style")
    identity = lambda: job_identity("stylize", {"steps": 4}, files=[source, style])  # noqa: E731
    out = tmp_path / "out.mp4"
    with pytest.raises(RuntimeError, match="crash"):
        _write(_segmented(source, out, segment_seconds=0.5, identity=identity()), read_frames(source), fail_at=40)
    os.utime(style, ns=(0, 0))  # touched but unchanged: still the same job
    assert _segmented(source, out, segment_seconds=0.5, identity=identity()).resume_point().frames_done == 36
    style.write_bytes(b"other style")  # same size, other content
    with pytest.warns(ResumeDiscarded, match="other input, styles or settings"):
        assert _segmented(source, out, segment_seconds=0.5, identity=identity()).resume_point().frames_done == 0
    with pytest.raises(RuntimeError, match="crash"):
        _write(_segmented(source, out, segment_seconds=0.5, identity=identity()), read_frames(source), fail_at=40)
    changed = job_identity("stylize", {"steps": 5}, files=[source, style])  # and another option
    with pytest.warns(ResumeDiscarded, match="other input, styles or settings"):
        assert _segmented(source, out, segment_seconds=0.5, identity=changed).resume_point().frames_done == 0


def test_restart_throws_the_segments_away(tmp_path: Path, source: Path) -> None:
    out, work = _interrupted(tmp_path, source)
    writer = _segmented(source, out, segment_seconds=0.5)
    with pytest.warns(ResumeDiscarded, match="cannot resume out.mp4 after frame 0: state does not fit"):
        writer.restart("state does not fit")
    assert writer.resume_point().frames_done == 0 and sorted(p.name for p in work.iterdir()) == ["job.json"]
    _write(writer, read_frames(source))
    assert len(_pictures(out)) == 72


def test_the_same_frames_encode_to_the_same_bytes(tmp_path: Path) -> None:
    """x264's macroblock tree read memory it never wrote, so two encodes of the same frames in one
    process differed (here the first of four, every time); segmented runs could not be bit-identical."""
    import cv2

    pattern = np.random.default_rng(0).integers(0, 255, (12, 20, 3)).astype(np.uint8)
    smooth = cv2.resize(pattern, (200, 120), interpolation=cv2.INTER_CUBIC)
    frames = [np.roll(smooth, 3 * i, axis=1) for i in range(30)]
    encoded = set()
    for run in range(4):
        path = tmp_path / f"run{run}.mp4"
        with VideoWriter(path, fps=24) as writer:
            for frame in frames:
                writer.write(frame)
        encoded.add(path.read_bytes())
        torch.randn(100 + 37 * run, 100) @ torch.randn(100, 100 + run)  # other memory in between
    assert len(encoded) == 1
