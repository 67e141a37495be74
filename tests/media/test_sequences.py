"""Image sequences: patterns and folders, gaps and mixed sizes refused, depth and alpha kept, atomic resumable output."""

from fractions import Fraction

import cv2
import numpy as np
import pytest
import torch

from videostyle.errors import InputError, OutputError
from videostyle.media import Frame
from videostyle.media.kinds import media_kind
from videostyle.media.sequence_writer import CHECKPOINT_EVERY, SequenceWriter
from videostyle.media.sequences import find_sequence, probe_sequence, read_sequence
from videostyle.media.stills import linear_from_srgb, read_still, srgb_from_linear, write_still


def write_png16(path, rgb, alpha=None):
    planes = [rgb[..., ::-1]] + ([alpha[..., None]] if alpha is not None else [])
    assert cv2.imwrite(str(path), np.ascontiguousarray(np.concatenate(planes, axis=2)))


def gradient16(width=600, height=4):
    ramp = np.linspace(0, 65535, width).round().astype(np.uint16)
    return np.repeat(np.broadcast_to(ramp, (height, width))[..., None], 3, axis=2).copy()


def test_patterns_and_folders_are_videos_and_find_their_frames(tmp_path):
    for n in (7, 8, 9):
        write_png16(tmp_path / f"shot.{n:04d}.png", gradient16(8, 4))
    assert media_kind(tmp_path / "shot.%04d.png") == "video" and media_kind(tmp_path) == "video"
    assert media_kind(tmp_path / "out.%04d.exr", for_output=True) == "video"
    assert find_sequence(tmp_path / "shot.%04d.png").numbers == range(7, 10)
    assert find_sequence(tmp_path).pattern == str(tmp_path / "shot.%04d.png")
    assert find_sequence(tmp_path, start_number=8).numbers == range(8, 10)
    info = probe_sequence(find_sequence(tmp_path), Fraction(25))
    assert (info.width, info.height, info.frame_count, info.first_number, info.fps) == (8, 4, 3, 7, 25)


def test_gaps_and_mixed_sizes_are_one_line_errors(tmp_path):
    for n in (1, 2, 5):
        write_png16(tmp_path / f"f{n:03d}.png", gradient16(8, 4))
    with pytest.raises(InputError, match=r"frames 3-4 are missing"):
        find_sequence(tmp_path / "f%03d.png")
    (tmp_path / "f005.png").unlink()
    write_png16(tmp_path / "f003.png", gradient16(10, 4))
    with pytest.raises(InputError, match=r"f003.png is 10x4 but f001.png is 8x4"):
        probe_sequence(find_sequence(tmp_path / "f%03d.png"))
    with pytest.raises(InputError, match="no frames found"):
        find_sequence(tmp_path / "g%03d.png")


def test_sixteen_bit_png_keeps_more_than_256_levels_and_its_alpha(tmp_path):
    alpha = np.linspace(0, 65535, 600).astype(np.uint16)[None].repeat(4, axis=0)
    write_png16(tmp_path / "in.png", gradient16(), alpha)
    still = read_still(tmp_path / "in.png")
    assert still.rgb.dtype == np.float32 and np.unique(still.rgb[..., 0]).size > 256
    write_still(tmp_path / "out.png", still.rgb, still.alpha)
    back = cv2.imread(str(tmp_path / "out.png"), cv2.IMREAD_UNCHANGED)
    assert back.dtype == np.uint16 and np.unique(back[..., 0]).size > 256
    assert np.array_equal(back[..., 3], alpha) and np.array_equal(back[..., 2::-1], gradient16())


def test_exr_is_linear_outside_and_srgb_inside(tmp_path):
    linear = np.linspace(-0.1, 4.0, 64, dtype=np.float32)
    assert np.allclose(linear_from_srgb(srgb_from_linear(linear)), linear, rtol=1e-5, atol=1e-6)
    rgb = np.repeat(np.linspace(0, 1, 48, dtype=np.float32).reshape(6, 8)[..., None], 3, axis=2)
    write_still(tmp_path / "a.exr", rgb, None)
    assert np.allclose(read_still(tmp_path / "a.exr").rgb, rgb, atol=2e-3)
    assert np.allclose(read_still(tmp_path / "a.exr", display_referred=True).rgb, linear_from_srgb(rgb), atol=2e-3)


def frames_of(count, rgb):
    return [Frame(rgb, index, Fraction(1, 24)) for index in range(count)]


def test_output_sequence_is_numbered_atomic_and_refuses_to_clobber(tmp_path):
    pattern = tmp_path / "out" / "o.%03d.png"
    rgb = np.full((4, 6, 3), 0.5, np.float32)
    with SequenceWriter(pattern, fps=24, start_number=10) as writer:
        for frame in frames_of(3, rgb):
            writer.write(frame)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["o.010.png", "o.011.png", "o.012.png"]
    with pytest.raises(OutputError, match="already exists; pass --overwrite"):
        SequenceWriter(pattern, fps=24, start_number=10)
    SequenceWriter(pattern, fps=24, start_number=10, overwrite=True)


def test_a_stopped_sequence_resumes_from_its_last_checkpoint(tmp_path):
    pattern = tmp_path / "o.%03d.png"
    rgb = np.zeros((4, 6, 3), np.uint8)
    with pytest.raises(RuntimeError), SequenceWriter(pattern, fps=24) as writer:
        for index, frame in enumerate(frames_of(CHECKPOINT_EVERY + 3, rgb)):
            writer.write(frame)
            if writer.wants_state(index):
                writer.save_state(index, {"previous": torch.ones(2)})
        raise RuntimeError("stopped")
    again = SequenceWriter(pattern, fps=24)
    point = again.resume_point()
    assert point.frames_done == CHECKPOINT_EVERY and torch.equal(point.state["previous"], torch.ones(2))
    with again:
        for frame in frames_of(CHECKPOINT_EVERY + 4, rgb)[CHECKPOINT_EVERY:]:
            again.write(frame)
    assert not again.work_dir.exists() and len(list(tmp_path.iterdir())) == CHECKPOINT_EVERY + 4


def test_read_sequence_trims_by_time(tmp_path):
    for n in range(1, 7):
        write_png16(tmp_path / f"f{n}.png", gradient16(8, 4))
    sequence = find_sequence(tmp_path / "f%d.png")
    info = probe_sequence(sequence, Fraction(2))
    frames = list(read_sequence(sequence, info, start=1.0, duration=1.0))
    assert [f.pts for f in frames] == [2, 3] and frames[0].time == 1.0


def test_overwrite_removes_the_stale_tail_of_a_longer_run_and_nothing_else(tmp_path):
    pattern = tmp_path / "o.%03d.png"
    rgb = np.zeros((4, 6, 3), np.uint8)
    with SequenceWriter(pattern, fps=24) as writer:
        for frame in frames_of(5, rgb):
            writer.write(frame)
    (tmp_path / "o.9.png").write_bytes(b"not of the pattern")
    (tmp_path / "notes.txt").write_text("keep")
    with SequenceWriter(pattern, fps=24, overwrite=True) as writer:
        for frame in frames_of(3, rgb):
            writer.write(frame)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "o.001.png", "o.002.png", "o.003.png", "o.9.png"]


def test_variable_frame_rate_frames_are_numbered_by_position(tmp_path):
    pattern = tmp_path / "o.%03d.png"
    rgb = np.zeros((4, 6, 3), np.uint8)
    times = [0, 1, 3, 50, 51]  # in 1/100 s: at 24 fps, round(t * fps) would put frames 1-3 on one number
    with SequenceWriter(pattern, fps=24, start_number=5) as writer:
        for pts in times:
            writer.write(Frame(rgb, pts, Fraction(1, 100)))
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"o.{n:03d}.png" for n in range(5, 10)]
