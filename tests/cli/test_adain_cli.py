"""`train --arbitrary` then `stylize --model DECODER -s ANY`: the AdaIN engine from the command line."""

import numpy as np
from PIL import Image

from videostyle.feedforward.adain.file import read_decoder_info

from . import run


def test_train_a_decoder_then_stylize_with_any_style(files, capsys):
    decoder = files / "d.safetensors"
    code, out, err = run(
        capsys, "train", "--arbitrary", "-s", files / "style.png", "--data", files / "content.png", "-o", decoder,
        "--steps", "1", "--size", "32", "--batch-size", "1", "--preview-every", "0", "--quiet", "--device", "cpu",
    )
    assert code == 0 and "wrote" in out, err
    assert read_decoder_info(decoder).layer == "block4"
    target = files / "o.png"
    code, _, err = run(
        capsys, "stylize", files / "content.png", "-s", files / "style.png", "-s", files / "content.png",
        "--style-weights", "2,1", "--alpha", "0.5", "--preserve-color", "--model", decoder, "-o", target, "--device", "cpu",
    )
    assert code == 0, err
    assert np.asarray(Image.open(target)).shape == (40, 60, 3)
    code, _, err = run(capsys, "stylize", files / "content.png", "--model", decoder, "-o", files / "p.png")
    assert code == 2 and "-s STYLE" in err and not (files / "p.png").exists()
