import os
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from videostyle.errors import OutputError
from videostyle.media import Frame, probe_video
from videostyle.media.sequence_writer import CHECKPOINT_EVERY
from videostyle.progress import drain
from videostyle.video import FrameWork, OutputOptions, iter_video, open_video, video_identity


class Same(FrameWork):
    def run(self, packed, prior):
        yield from ()
        return [f.rgb for f in packed]


def test_a_job_has_an_even_capped_size_the_trimmed_frames_and_a_writer_like_the_source(clip, tmp_path):
    source = clip(size=(64, 48), frames=12, fps=Fraction(24))
    job = open_video(source, OutputOptions(start=0.125, duration=0.25), cap=40)
    assert job.size == (30, 40) and job.total == 6
    frames = list(job.frames())
    assert len(frames) == 6
    sink, resume = job.writer(tmp_path / "copy.mp4")
    assert resume is None
    drain(iter_video(frames, Same(), sink))
    info = probe_video(tmp_path / "copy.mp4")
    assert info.frame_count == 6 and info.has_audio and info.fps == Fraction(24)


class Counting(Same):
    """Copies frames, counts them, and fails once at frame ``fail_at`` (as a crash would)."""

    def __init__(self, fail_at=None):
        self.seen, self.fail_at = 0, fail_at

    def run(self, packed, prior):
        if self.seen == self.fail_at:
            raise RuntimeError("crash")
        self.seen += len(packed)
        return (yield from super().run(packed, prior))


def test_a_work_dir_resumes_after_the_last_finished_segment(clip, tmp_path):
    source = clip(size=(64, 48), frames=72, fps=Fraction(24))  # 2 s segments: 48 + 24 frames
    output = OutputOptions(work_dir=tmp_path / "work")
    target = tmp_path / "out.mp4"
    job = open_video(source, output)
    sink, resume = job.writer(target)
    with pytest.raises(RuntimeError):
        drain(iter_video(job.frames(), Counting(fail_at=60), sink, resume=resume))
    assert not target.exists()
    sink, resume = open_video(source, output).writer(target)
    assert resume is not None and resume.frames_done == 48
    again = Counting()
    drain(iter_video(job.frames(), again, sink, resume=resume))
    assert again.seen == 24  # the finished segment was not recomputed
    info = probe_video(target)
    assert info.frame_count == 72 and info.has_audio and info.fps == Fraction(24)
    assert list((tmp_path / "work").iterdir()) == [], "the job's private folder is gone, the root stays"


def test_without_a_segmentable_container_the_work_dir_is_not_used(clip, tmp_path):
    source = clip(size=(64, 48), frames=6, fps=Fraction(24))
    job = open_video(source, OutputOptions(work_dir=tmp_path / "work"))
    sink, resume = job.writer(tmp_path / "out.gif")
    drain(iter_video(job.frames(), Same(), sink, resume=resume))
    assert resume is None and (tmp_path / "out.gif").exists() and not (tmp_path / "work").exists()


def test_a_stopped_sequence_job_resumes_only_while_its_frames_are_unchanged(tmp_path):
    (tmp_path / "in").mkdir()
    for n in range(1, CHECKPOINT_EVERY + 4):
        Image.fromarray(np.full((24, 32, 3), 10 * n, np.uint8)).save(tmp_path / "in" / f"f{n:02d}.png")
    target = tmp_path / "out" / "o.%04d.png"

    def writer(output=OutputOptions()):
        return open_video(tmp_path / "in", output).writer(target, video_identity("copy", tmp_path / "in", output))

    def stopped_run():  # as the driver leaves it after a crash past the first checkpoint
        sink, _ = writer()
        with pytest.raises(RuntimeError), sink:
            for index in range(CHECKPOINT_EVERY + 1):
                sink.write(Frame(np.zeros((24, 32, 3), np.uint8), index, Fraction(1, 24)))
                if sink.wants_state(index):
                    sink.save_state(index, {})
            raise RuntimeError("stopped")

    stopped_run()
    assert writer()[1].frames_done == CHECKPOINT_EVERY  # the same frames: resumed
    stopped_run()
    Image.fromarray(np.full((24, 32, 3), 200, np.uint8)).save(tmp_path / "in" / "f02.png")  # same size, new content
    with pytest.raises(OutputError, match="already exists; pass --overwrite"):
        writer()
    assert writer(OutputOptions(overwrite=True))[1] is None  # a changed frame: started over


def test_a_sequence_job_is_identified_by_its_frames_and_its_mask(tmp_path):
    (tmp_path / "in").mkdir()
    for n in (1, 2):
        Image.fromarray(np.zeros((4, 6, 3), np.uint8)).save(tmp_path / "in" / f"f{n}.png")
    Image.fromarray(np.zeros((4, 6), np.uint8)).save(tmp_path / "mask.png")
    output = OutputOptions(mask=str(tmp_path / "mask.png"))
    recorded = video_identity("copy", tmp_path / "in", output).record()
    assert sorted(Path(f["path"]).name for f in recorded["files"]) == ["f1.png", "f2.png", "mask.png"]
    os.utime(tmp_path / "in" / "f1.png", ns=(1, 1))  # touched, not changed: still the same job
    assert video_identity("copy", tmp_path / "in", output).matches(recorded)
    Image.fromarray(np.ones((4, 6), np.uint8)).save(tmp_path / "mask.png")
    assert not video_identity("copy", tmp_path / "in", output).matches(recorded)
    recorded = video_identity("copy", tmp_path / "in", output).record()
    Image.fromarray(np.zeros((4, 6, 3), np.uint8)).save(tmp_path / "in" / "f3.png")  # a frame added
    assert not video_identity("copy", tmp_path / "in", output).matches(recorded)


def test_a_variable_frame_rate_video_becomes_a_sequence_without_lost_frames(tmp_path):
    from videostyle.media import VideoWriter

    stamps = [0, 10, 20, 100, 110]  # ms: at 25 fps the first three would share a number by time
    with VideoWriter(tmp_path / "vfr.mkv", fps=25) as writer:
        for n, pts in enumerate(stamps):
            writer.write(Frame(np.full((24, 32, 3), 40 * n, np.uint8), pts, Fraction(1, 1000)))
    job = open_video(tmp_path / "vfr.mkv", OutputOptions(start_number=101))
    sink, _ = job.writer(tmp_path / "out" / "o.%04d.png")
    drain(iter_video(job.frames(), Same(), sink))
    written = sorted((tmp_path / "out").iterdir())
    assert [p.name for p in written] == [f"o.{n:04d}.png" for n in range(101, 106)]
    levels = [int(np.asarray(Image.open(p)).mean()) for p in written]
    assert levels == sorted(levels) and len(set(levels)) == 5  # each frame once, in order


def test_a_chunk_job_starts_at_any_frame_with_the_frames_and_mattes_of_a_whole_read(clip, tmp_path):
    source = clip(size=(64, 48), frames=40, gop=8, audio=False)
    mask = clip("mask.mp4", size=(64, 48), frames=40, gop=8, audio=False)
    job = open_video(source, OutputOptions(mask=mask, chunk=(12, 30), work_dir=tmp_path))
    whole = [(f.pts, f.rgb.tobytes(), f.matte.tobytes()) for f in job.frames()]
    assert len(whole) == 30  # a chunk's frames end at its end
    for skip in (5, 12, 29):
        frames = job.frames().from_index(skip)
        assert [(f.pts, f.rgb.tobytes(), f.matte.tobytes()) for f in frames] == whole[skip:]


def test_a_job_that_names_no_file_is_identified_by_the_name(tmp_path, monkeypatch):
    """A built-in model is a name, not a file: two names are two jobs, the same name in another folder one."""
    model = tmp_path / "model.pt"
    model.write_bytes(b"weights")
    source = tmp_path / "in.png"
    Image.fromarray(np.zeros((4, 6, 3), np.uint8)).save(source)
    recorded = video_identity("copy", source, OutputOptions(), files=["builtin:3"]).record()
    assert not video_identity("copy", source, OutputOptions(), files=["builtin:5"]).matches(recorded)
    monkeypatch.chdir(tmp_path)
    assert video_identity("copy", source, OutputOptions(), files=["builtin:3"]).matches(recorded)
    recorded = video_identity("copy", source, OutputOptions(), files=[model]).record()  # a file counts by content
    assert video_identity("copy", source, OutputOptions(), files=["model.pt"]).matches(recorded)
    model.write_bytes(b"retrained")
    assert not video_identity("copy", source, OutputOptions(), files=[model]).matches(recorded)
