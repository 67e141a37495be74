import numpy as np
import torch

from videostyle.media import read_image, write_image
from videostyle.progress import drain
from videostyle.stylize import StyleOptions, iter_stylize_file, iter_stylize_video
from videostyle.stylize.preview import PreviewSink, preview_path
from videostyle.video import FrameList, OutputOptions


def test_still_preview_is_the_image_at_the_last_multiple_of_every(tmp_path, photo, stripes):
    source = tmp_path / "in.png"
    write_image(photo, source)
    outputs = {}
    for steps in (4, 3):  # 4: the preview is the final image; 3: it is the image after step 2
        target = tmp_path / f"out{steps}.png"
        drain(iter_stylize_file(source, target, [stripes], StyleOptions(steps=steps, seed=0), preview_every=2))
        assert preview_path(target) == tmp_path / f"out{steps}.preview.png"
        outputs[steps] = read_image(target), read_image(preview_path(target))
    assert torch.equal(*outputs[4])
    assert not torch.equal(*outputs[3])
    assert outputs[3][1].shape == outputs[3][0].shape


def test_video_preview_is_every_nth_finished_frame(moving_clip, tmp_path, stripes):
    source = moving_clip(frames=3)
    target = tmp_path / "o.mp4"
    sink = FrameList()
    drain(iter_stylize_video(
        source, target, [stripes], StyleOptions(steps=2), OutputOptions(), "cpu", sink=sink, preview_every=2
    ))
    preview = read_image(tmp_path / "o.preview.png")
    rgb = sink.frames[1].rgb  # float32 in [0, 1] since frames keep their depth; the preview is an 8-bit PNG of it
    frame = torch.from_numpy(np.ascontiguousarray(rgb)).permute(2, 0, 1)[None].float() / (255 if rgb.dtype == np.uint8 else 1)
    assert (preview - frame).abs().max() <= 0.5 / 255 + 1e-6


def test_preview_sink_hands_everything_else_to_the_inner_sink(tmp_path):
    class Checkpointing(FrameList):
        def wants_state(self, index: int) -> bool:
            return index == 7

    sink = PreviewSink(Checkpointing(), tmp_path / "p.png", 1)
    assert sink.wants_state(7) and not sink.wants_state(6)
