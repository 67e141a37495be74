from fractions import Fraction

from videostyle.media import probe_video
from videostyle.progress import drain
from videostyle.video import FrameWork, OutputOptions, iter_video, open_video


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
    drain(iter_video(frames, Same(), job.writer(tmp_path / "copy.mp4")))
    info = probe_video(tmp_path / "copy.mp4")
    assert info.frame_count == 6 and info.has_audio and info.fps == Fraction(24)
