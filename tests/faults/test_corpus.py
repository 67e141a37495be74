"""The bad-input corpus: every hostile file, option or situation ends in one line and a clean folder.

Each case runs the CLI in-process inside a workspace of good and hostile files and checks the
whole contract: the exit code, exactly one line on stderr starting with ``error:`` and holding the
expected words, no traceback, and not a byte changed in the folder (no leftover, no empty folder,
existing outputs untouched).
"""

from __future__ import annotations

import pytest

from videostyle.cli import main

from .conftest import snapshot

FAST = ["--steps", "1", "--device", "cpu", "--offline", "--quiet"]
DREAM = ["--steps", "1", "--octaves", "1", "--device", "cpu", "--offline", "--quiet"]
TRAIN = ["--steps", "1", "--size", "32", "--batch-size", "1", "--width-mult", "0.125", "--device", "cpu", "--offline", "--quiet"]
VIS = ["--device", "cpu", "--offline", "--steps", "1"]
MODEL = ["--model", "m.safetensors", "--device", "cpu", "--quiet"]

CASES = [
    # stylize by optimization: media
    ("stylize-missing-content", ["stylize", "missing.png", "-s", "style.png", "-o", "o.png", *FAST], 1, "does not exist"),
    ("stylize-missing-style", ["stylize", "content.png", "-s", "missing.png", "-o", "o.png", *FAST], 1, "does not exist"),
    ("stylize-garbage-image", ["stylize", "garbage.png", "-s", "style.png", "-o", "o.png", *FAST], 1, "garbage.png"),
    ("stylize-garbage-style", ["stylize", "content.png", "-s", "garbage.png", "-o", "o.png", *FAST], 1, "garbage.png"),
    ("stylize-garbage-video", ["stylize", "garbage.mp4", "-s", "style.png", "-o", "o.mp4", *FAST], 1, "garbage.mp4"),
    ("stylize-empty-video", ["stylize", "empty.mp4", "-s", "style.png", "-o", "o.mp4", *FAST], 1, "empty"),
    ("stylize-text-video", ["stylize", "text.mp4", "-s", "style.png", "-o", "o.mp4", *FAST], 1, "text.mp4"),
    # a folder is an image sequence (issue 22), so a folder in and an image out is a usage error
    ("stylize-folder-input", ["stylize", "dir.png", "-s", "style.png", "-o", "o.png", *FAST], 2, "dir.png"),
    ("stylize-cut-video-strict", ["--strict", "stylize", "cut.mp4", "-s", "style.png", "-o", "o.mp4", *FAST], 1, "cut short"),
    ("stylize-start-after-end", ["stylize", "clip.mp4", "-s", "style.png", "-o", "o.mp4", "--start", "60", *FAST], 1, "after 60"),
    # stylize by optimization: outputs
    ("stylize-kind-mismatch", ["stylize", "content.png", "-s", "style.png", "-o", "o.mp4", *FAST], 2, "cannot turn image"),
    ("stylize-unknown-extension", ["stylize", "content.png", "-s", "style.png", "-o", "o.xyz", *FAST], 1, "o.xyz"),
    ("stylize-output-exists", ["stylize", "content.png", "-s", "style.png", "-o", "out.png", *FAST], 1, "already exists"),
    ("stylize-video-output-exists", ["stylize", "clip.mp4", "-s", "style.png", "-o", "out.mp4", *FAST], 1, "already exists"),
    ("stylize-output-is-folder", ["stylize", "content.png", "-s", "style.png", "-o", "dir.png", "--overwrite", *FAST], 1, "is a folder"),
    ("stylize-parent-is-file", ["stylize", "content.png", "-s", "style.png", "-o", "file.txt/o.png", *FAST], 1, "is a file"),
    ("stylize-failed-nested-output", ["stylize", "content.png", "-s", "style.png", "-o", "new/deep/o.png", "--style-layers", "logits", *FAST], 2, "no feature map"),
    ("train-failed-nested-output", ["train", "-s", "style.png", "--data", "missing", "-o", "new/deep/t.safetensors", *TRAIN], 1, "does not exist"),
    ("model-failed-nested-output", ["stylize", "clip.mp4", "--model", "nan.safetensors", "-o", "new/o.mp4", "--quiet"], 1, "not finite"),
    # stylize by optimization: options
    ("stylize-style-layers-logits", ["stylize", "content.png", "-s", "style.png", "-o", "o.png", "--style-layers", "logits", *FAST], 2, "no feature map"),
    ("stylize-content-layers-logits", ["stylize", "content.png", "-s", "style.png", "-o", "o.png", "--content-layers", "logits", *FAST], 2, "no feature map"),
    ("stylize-unknown-layer", ["stylize", "content.png", "-s", "style.png", "-o", "o.png", "--style-layers", "block99", *FAST], 2, "unknown layer"),
    ("stylize-device-mps", ["stylize", "content.png", "-s", "style.png", "-o", "o.png", *FAST, "--device", "mps"], 2, "mps"),
    ("stylize-device-meta", ["stylize", "content.png", "-s", "style.png", "-o", "o.png", *FAST, "--device", "meta"], 2, "meta"),
    ("stylize-device-tpu", ["stylize", "content.png", "-s", "style.png", "-o", "o.png", *FAST, "--device", "tpu"], 2, "tpu"),
    ("stylize-device-cuda-4096", ["stylize", "content.png", "-s", "style.png", "-o", "o.png", *FAST, "--device", "cuda:4096"], 2, "cuda"),
    ("stylize-lr-inf", ["stylize", "content.png", "-s", "style.png", "-o", "o.png", "--lr", "inf", *FAST], 2, "inf"),
    ("stylize-lr-nan", ["stylize", "content.png", "-s", "style.png", "-o", "o.png", "--lr", "nan", *FAST], 2, "nan"),
    ("stylize-passes-image", ["stylize", "content.png", "-s", "style.png", "-o", "o.png", "--passes", "2", *FAST], 2, "--passes"),
    ("stylize-long-term-image", ["stylize", "content.png", "-s", "style.png", "-o", "o.png", "--long-term", "2", *FAST], 2, "--long-term"),
    ("stylize-preset-image", ["stylize", "content.png", "-s", "style.png", "-o", "o.png", "--preset", "slow", *FAST], 2, "--preset"),
    ("stylize-crf-image", ["stylize", "content.png", "-s", "style.png", "-o", "o.png", "--crf", "20", *FAST], 2, "--crf"),
    ("stylize-start-image", ["stylize", "content.png", "-s", "style.png", "-o", "o.png", "--start", "1", *FAST], 2, "--start"),
    ("stylize-stabilize-no-model", ["stylize", "clip.mp4", "-s", "style.png", "-o", "o.mp4", "--stabilize", *FAST], 2, "--stabilize"),
    ("stylize-style-index-no-model", ["stylize", "content.png", "-s", "style.png", "-o", "o.png", "--style-index", "0", *FAST], 2, "--style-index"),
    ("stylize-style-weights-count", ["stylize", "content.png", "-s", "style.png", "-o", "o.png", "--style-weights", "1,1", *FAST], 2, "2 values"),
    # stylize --model
    ("model-missing", ["stylize", "content.png", "--model", "none.safetensors", "-o", "o.png", "--quiet"], 1, "does not exist"),
    ("model-garbage", ["stylize", "content.png", "--model", "garbage.safetensors", "-o", "o.png", "--quiet"], 1, "model file"),
    ("model-is-image", ["stylize", "content.png", "--model", "style.png", "-o", "o.png", "--quiet"], 1, "model file"),
    ("model-is-folder", ["stylize", "content.png", "--model", "dir.png", "-o", "o.png", "--quiet"], 1, "folder"),
    ("model-is-checkpoint", ["stylize", "content.png", "--model", "m.ckpt", "-o", "o.png", "--quiet"], 1, "training checkpoint"),
    ("model-nan-weights", ["stylize", "content.png", "--model", "nan.safetensors", "-o", "o.png", "--quiet"], 1, "not finite"),
    ("model-style-index-range", ["stylize", "content.png", *MODEL, "--style-index", "5", "-o", "o.png"], 2, "out of range"),
    ("model-style-mix-count", ["stylize", "content.png", *MODEL, "--style-mix", "0.5,0.5", "-o", "o.png"], 2, "style"),
    ("model-with-style", ["stylize", "content.png", *MODEL, "-s", "style.png", "-o", "o.png"], 2, "-s/--style"),
    ("model-passes", ["stylize", "clip.mp4", *MODEL, "--passes", "2", "-o", "o.mp4"], 2, "--passes"),
    ("model-stabilize-image", ["stylize", "content.png", *MODEL, "--stabilize", "-o", "o.png"], 2, "--stabilize"),
    ("model-output-exists", ["stylize", "content.png", *MODEL, "-o", "out.png"], 1, "already exists"),
    ("model-video-output-exists", ["stylize", "clip.mp4", *MODEL, "-o", "out.mp4"], 1, "already exists"),
    ("model-kind-mismatch", ["stylize", "clip.mp4", *MODEL, "-o", "o.png"], 2, "cannot turn video"),
    ("model-device-meta", ["stylize", "content.png", *MODEL, "--device", "meta", "-o", "o.png"], 2, "meta"),
    ("model-cut-video-strict", ["--strict", "stylize", "cut.mp4", *MODEL, "-o", "o.mp4"], 1, "cut short"),
    ("model-garbage-video", ["stylize", "garbage.mp4", *MODEL, "-o", "o.mp4"], 1, "garbage.mp4"),
    # train
    ("train-missing-data", ["train", "-s", "style.png", "--data", "missing", "-o", "t.safetensors", *TRAIN], 1, "does not exist"),
    ("train-missing-style", ["train", "-s", "missing.png", "--data", "content.png", "-o", "t.safetensors", *TRAIN], 1, "does not exist"),
    ("train-garbage-style", ["train", "-s", "garbage.png", "--data", "content.png", "-o", "t.safetensors", *TRAIN], 1, "garbage.png"),
    ("train-wrong-extension", ["train", "-s", "style.png", "--data", "content.png", "-o", "t.pt", *TRAIN], 1, ".safetensors"),
    ("train-output-exists", ["train", "-s", "style.png", "--data", "content.png", "-o", "m.safetensors", *TRAIN], 1, "already exists"),
    ("train-resume-nothing", ["train", "-s", "style.png", "--data", "content.png", "-o", "t.safetensors", "--resume", *TRAIN], 1, "no checkpoint"),
    ("train-resume-foreign-ckpt", ["train", "-s", "style.png", "--data", "content.png", "-o", "m.safetensors", "--resume", *TRAIN], 1, "m.ckpt"),
    ("train-style-layers-logits", ["train", "-s", "style.png", "--data", "content.png", "-o", "t.safetensors", "--style-layers", "logits", *TRAIN], 2, "no feature map"),
    ("train-device-mps", ["train", "-s", "style.png", "--data", "content.png", "-o", "t.safetensors", *TRAIN, "--device", "mps"], 2, "mps"),
    ("train-output-folder-missing-parent-file", ["train", "-s", "style.png", "--data", "content.png", "-o", "file.txt/t.safetensors", *TRAIN], 1, "is a file"),
    # dream
    ("dream-missing", ["dream", "missing.png", "-o", "o.png", *DREAM], 1, "does not exist"),
    ("dream-garbage", ["dream", "garbage.png", "-o", "o.png", *DREAM], 1, "garbage.png"),
    ("dream-garbage-video", ["dream", "garbage.mp4", "-o", "o.mp4", *DREAM], 1, "garbage.mp4"),
    ("dream-unknown-layer", ["dream", "content.png", "-o", "o.png", "--layer", "block99", *DREAM], 2, "unknown layer"),
    ("dream-device-meta", ["dream", "content.png", "-o", "o.png", *DREAM, "--device", "meta"], 2, "meta"),
    ("dream-output-exists", ["dream", "content.png", "-o", "out.png", *DREAM], 1, "already exists"),
    ("dream-preset-image", ["dream", "content.png", "-o", "o.png", "--preset", "slow", *DREAM], 2, "--preset"),
    ("dream-start-image", ["dream", "content.png", "-o", "o.png", "--start", "1", *DREAM], 2, "--start"),
    ("dream-cut-video-strict", ["--strict", "dream", "cut.mp4", "-o", "o.mp4", "--size", "32", *DREAM], 1, "cut short"),
    # visualize
    ("maximize-lr-inf", ["visualize", "maximize", "goldfish", "--lr", "inf", "-o", "o.png", "--size", "32", *VIS], 2, "finite"),
    ("maximize-unknown-class", ["visualize", "maximize", "goldfsh", "-o", "o.png", *VIS], 2, "goldfsh"),
    ("maximize-output-exists", ["visualize", "maximize", "goldfish", "-o", "out.png", *VIS], 1, "already exists"),
    ("maximize-device-meta", ["visualize", "maximize", "goldfish", "-o", "o.png", *VIS, "--device", "meta"], 2, "meta"),
    ("texture-logits", ["visualize", "texture", "style.png", "--layers", "logits", "-o", "o.png", *VIS], 2, "no feature map"),
    ("invert-missing", ["visualize", "invert", "missing.png", "--layer", "block2", "-o", "o.png", *VIS], 1, "does not exist"),
    ("saliency-garbage", ["visualize", "saliency", "garbage.png", "-o", "o.png", "--device", "cpu", "--offline"], 1, "garbage.png"),
    # metrics
    ("metrics-missing", ["metrics", "missing.mp4", "clip.mp4", "--device", "cpu", "--quiet"], 1, "does not exist"),
    ("metrics-garbage", ["metrics", "clip.mp4", "garbage.mp4", "--device", "cpu", "--quiet"], 1, "garbage.mp4"),
    ("metrics-device-meta", ["metrics", "clip.mp4", "clip.mp4", "--device", "meta", "--quiet"], 2, "meta"),
    ("metrics-cut-strict", ["--strict", "metrics", "cut.mp4", "cut.mp4", "--device", "cpu", "--quiet"], 1, "cut short"),
]


@pytest.mark.parametrize(("args", "code", "message"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_input_ends_in_one_line_and_a_clean_folder(workspace, capsys, args, code, message):
    before = snapshot(workspace)
    got = main(args)
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert got == code, err
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0], err
    assert "Traceback" not in err + out
    assert snapshot(workspace) == before


def test_the_corpus_is_large():
    assert len(CASES) >= 60 and len({case[0] for case in CASES}) == len(CASES)
