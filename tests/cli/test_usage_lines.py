"""Mistakes a user makes on the command line: one line, exit 2, nothing of theirs touched."""

import pytest

from . import run


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["stylize"], "Missing argument 'input'. (see 'videostyle stylize --help')"),
        (["stylize", "x.png", "-o", "y.png", "--qqqq"], "No such option: --qqqq (see 'videostyle stylize --help')"),
        (["stylize", "x.png", "-o", "y.png", "--steps", "many"], "Invalid value for '--steps'"),
        (["stylize", "x.png", "-o", "y.png", "--lr", "nan"], "--lr must be a finite number, not nan"),
        (["dream", "x.png", "-o", "y.png", "--crf", "20"], "--crf does not apply here"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(capsys, args, message):
    code, _, err = run(capsys, *args)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize("model", ["builtin:19", "MODEL"])
def test_alpha_is_refused_where_the_style_is_fixed(capsys, files, model):
    if model == "MODEL":
        import torch

        from videostyle.feedforward.johnson.model_file import ModelInfo, save_model
        from videostyle.feedforward.johnson.network import NetworkConfig, StyleNetwork

        torch.manual_seed(0)
        network = StyleNetwork(NetworkConfig(styles=1, width=0.125))
        model = files / "m.safetensors"
        save_model(network, ModelInfo(network.config, ("s",), "tiny", {"steps": 0}), model)
    code, _, err = run(capsys, "stylize", files / "content.png", "--model", model, "--alpha", "0.5", "-o", files / "o.png", "--device", "cpu")
    assert code == 2 and "--alpha does not apply" in err and not (files / "o.png").exists()


def test_preview_never_replaces_a_users_file(capsys, files):
    preview = files / "o.preview.png"
    preview.write_bytes(b"mine")
    code, _, err = run(
        capsys, "stylize", files / "content.png", "-s", files / "style.png", "-o", files / "o.png",
        "--preview-every", "1", "--steps", "1", "--size", "32", "--device", "cpu",
    )
    assert code == 1 and "o.preview.png already exists" in err
    assert preview.read_bytes() == b"mine" and not (files / "o.png").exists()


def test_a_video_given_as_a_style_is_named_as_such(capsys, files):
    from tests.conftest import make_clip

    make_clip(files / "clip.mp4", size=(64, 48), frames=2)
    code, _, err = run(capsys, "stylize", files / "content.png", "-s", files / "clip.mp4", "-o", files / "o.png", "--device", "cpu")
    assert code == 1 and "clip.mp4 is a video; an image is needed here" in err and "complete image" not in err
