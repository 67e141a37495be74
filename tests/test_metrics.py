import pytest
import torch

from videostyle.errors import InputError
from videostyle.flow import Carry, make_flow
from videostyle.media import frame_to_tensor, read_frames
from videostyle.metrics import pair_warping_error, sequence_warping_error, warping_error


def test_metrics_of_a_clip_against_itself_equal_the_inputs(moving_clip):
    clip = moving_clip(size=(128, 96), frames=5)
    result = warping_error(clip, clip, device="cpu")
    errors = result["warping_error"]
    assert errors["stylized"] == errors["input"] and result["ratio"] == 1.0
    assert 0 < errors["input"] < 1e-3  # a clean pan warps onto itself almost exactly
    assert result["frames"] == 5 and (result["width"], result["height"]) == (128, 96)


def test_flicker_raises_the_warping_error_and_a_steady_copy_does_not(moving_clip):
    clip = moving_clip(size=(128, 96), frames=5)
    frames = [frame_to_tensor(f.rgb) for f in read_frames(clip)]
    flicker = [(f + 0.1 * (i % 2)).clamp(0, 1) for i, f in enumerate(frames)]
    flow = make_flow("dis", "cpu", "medium")
    steady = sequence_warping_error(frames, frames, flow)
    assert steady["stylized"] == steady["input"]
    flickering = sequence_warping_error(frames, flicker, flow)
    assert flickering["stylized"] > 10 * flickering["input"]
    assert flickering["input"] == steady["input"]


def test_occluded_pixels_do_not_count():
    a, b = torch.zeros(1, 3, 8, 8), torch.zeros(1, 3, 8, 8)
    b[..., :, :2] = 1.0  # b differs only in columns that a's pixels, moving 2 px right, never reach
    forward = torch.zeros(1, 2, 8, 8)
    forward[:, 0] = 2.0
    assert pair_warping_error(a, b, Carry.from_flows(forward, -forward)) == 0.0  # and a's last two columns leave the frame
    b[..., :, 4:] = 1.0
    assert pair_warping_error(a, b, Carry.from_flows(forward, -forward)) == pytest.approx(4 / 6)
    still = torch.zeros(1, 2, 8, 8)
    b2 = b.clone()
    b2[..., :, :] = 0.5
    assert pair_warping_error(a, b2, Carry.from_flows(still, still)) == pytest.approx(0.25)  # mean over pixels and channels


def test_videos_of_different_lengths_are_an_input_error(moving_clip):
    short, long = moving_clip("short.mp4", frames=3), moving_clip("long.mp4", frames=4)
    with pytest.raises(InputError, match="different numbers of frames"):
        warping_error(long, short)


def test_trimmed_input_matches_a_stylized_part(moving_clip):
    clip = moving_clip(frames=6)
    part = moving_clip("part.mp4", frames=3)
    result = warping_error(clip, part, start=0, duration=3 / 24)
    assert result["frames"] == 3 and result["ratio"] == pytest.approx(1.0)
