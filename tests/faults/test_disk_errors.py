"""ENOSPC, EDQUOT, EACCES and EROFS injected at each write point: one line naming the output and the
cause, nothing partial left, an existing output untouched. Faults are injected by patching the
writer, encoder and file functions (no mounts needed).
"""

from __future__ import annotations

import errno
import os
import pathlib
import shutil

import numpy as np
import pytest
from PIL import Image

from videostyle.cli import main
from videostyle.media import atomic, video_writer
from videostyle.stylize import multipass

from .conftest import snapshot

FAST = ["--steps", "1", "--device", "cpu", "--offline", "--quiet"]
MODEL = ["--model", "m.safetensors", "--device", "cpu", "--quiet"]
TRAIN = ["--steps", "1", "--size", "32", "--batch-size", "1", "--width-mult", "0.125", "--device", "cpu", "--offline", "--quiet",
         "--preview-every", "0"]
CAUSES = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "quota",
    errno.EACCES: "permission denied",
    errno.EROFS: "read-only",
}


def failing(code: int):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    return fail


def fails_for(suffix: str, code: int, real):
    """Wrap ``real`` (a function or method given a path) to fail on paths ending in ``suffix``."""

    def maybe_fail(*args, **kwargs):
        if any(str(arg).endswith(suffix) for arg in args[:2]):
            raise OSError(code, os.strerror(code))
        return real(*args, **kwargs)

    return maybe_fail


def check(workspace, capsys, args, output, code, expect_changes=()):
    before = snapshot(workspace)
    got = main(args)
    out, err = capsys.readouterr()
    errors = [line for line in err.strip().splitlines() if not line.startswith("warning:")]
    assert got == 1, err
    assert len(errors) == 1 and errors[0].startswith("error:") and "Traceback" not in err + out, err
    assert output in errors[0] and CAUSES[code] in errors[0], err
    after = snapshot(workspace)
    assert after == before, sorted(set(after) ^ set(before))


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
def test_model_video_encoder_write(workspace, capsys, monkeypatch, code):
    monkeypatch.setattr(video_writer._AvSink, "write", failing(code))
    check(workspace, capsys, ["stylize", "clip.mp4", *MODEL, "-o", "o.mp4"], "o.mp4", code)


def test_model_video_encoder_finish_keeps_the_existing_output(workspace, capsys, monkeypatch):
    monkeypatch.setattr(video_writer._AvSink, "finish", failing(errno.ENOSPC))
    check(workspace, capsys, ["stylize", "clip.mp4", *MODEL, "-o", "out.mp4", "--overwrite"], "out.mp4", errno.ENOSPC)


def test_optimization_video_encoder_write(workspace, capsys, monkeypatch):
    monkeypatch.setattr(video_writer._AvSink, "write", failing(errno.ENOSPC))
    check(workspace, capsys, ["stylize", "clip.mp4", "-s", "style.png", "-o", "o.mp4", *FAST], "o.mp4", errno.ENOSPC)


def test_pass_frames(workspace, capsys, monkeypatch):
    monkeypatch.setattr(multipass.np, "save", failing(errno.ENOSPC))
    args = ["stylize", "clip.mp4", "-s", "style.png", "-o", "o.mp4", "--passes", "2", *FAST]
    check(workspace, capsys, args, "o.mp4", errno.ENOSPC)


def test_gif_at_finish(workspace, capsys, monkeypatch):
    monkeypatch.setattr(Image.Image, "save", fails_for(".part.gif", errno.ENOSPC, Image.Image.save))
    check(workspace, capsys, ["stylize", "clip.mp4", *MODEL, "-o", "o.gif"], "o.gif", errno.ENOSPC)


def test_not_enough_free_space_is_refused_before_the_first_frame(workspace, capsys, monkeypatch):
    monkeypatch.setattr(video_writer.shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(10, 10, 0))
    encoded = []
    monkeypatch.setattr(video_writer._AvSink, "write", lambda *args: encoded.append(1))
    before = snapshot(workspace)
    assert main(["stylize", "clip.mp4", *MODEL, "-o", "o.mp4"]) == 1
    err = capsys.readouterr().err
    assert "MB needed" in err and "o.mp4" in err and len(err.strip().splitlines()) == 1
    assert encoded == [] and snapshot(workspace) == before


@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS])
def test_unwritable_folder_fails_before_any_work(workspace, capsys, monkeypatch, code):
    monkeypatch.setattr(atomic.tempfile, "mkstemp", failing(code))
    check(workspace, capsys, ["stylize", "content.png", "-s", "style.png", "-o", "o.png", *FAST], "o.png", code)


def test_image_save_keeps_the_existing_output(workspace, capsys, monkeypatch):
    monkeypatch.setattr(Image.Image, "save", fails_for(".part.png", errno.ENOSPC, Image.Image.save))
    args = ["stylize", "content.png", *MODEL, "-o", "out.png", "--overwrite"]
    check(workspace, capsys, args, "out.png", errno.ENOSPC)


def test_final_replace_on_a_read_only_folder_keeps_the_existing_output(workspace, capsys, monkeypatch):
    monkeypatch.setattr(atomic.os, "replace", failing(errno.EROFS))
    args = ["dream", "content.png", "-o", "out.png", "--overwrite", "--steps", "1", "--octaves", "1", "--device", "cpu",
            "--offline", "--quiet"]
    check(workspace, capsys, args, "out.png", errno.EROFS)


def test_final_link_refused(workspace, capsys, monkeypatch):
    monkeypatch.setattr(atomic.os, "link", failing(errno.EACCES))
    args = ["visualize", "maximize", "goldfish", "-o", "o.png", "--size", "32", "--steps", "1", "--device", "cpu", "--offline"]
    check(workspace, capsys, args, "o.png", errno.EACCES)


@pytest.mark.parametrize("suffix", [".part.ckpt", ".part.safetensors"])
def test_training_checkpoint_and_model(workspace, capsys, monkeypatch, suffix):
    monkeypatch.setattr(pathlib.Path, "write_bytes", fails_for(suffix, errno.ENOSPC, pathlib.Path.write_bytes))
    args = ["train", "-s", "style.png", "--data", "content.png", "-o", "t.safetensors", *TRAIN]
    output = "t.ckpt" if suffix == ".part.ckpt" else "t.safetensors"
    before = snapshot(workspace)
    assert main(args) == 1
    err = capsys.readouterr().err
    assert output in err and "the disk is full" in err and len(err.strip().splitlines()) == 1, err
    assert "t.safetensors" not in snapshot(workspace)
    if suffix == ".part.ckpt":
        assert snapshot(workspace) == before


def test_an_unforeseen_os_error_is_still_one_line(workspace, capsys, monkeypatch):
    monkeypatch.setattr(np, "save", failing(errno.EIO))
    monkeypatch.setattr(multipass.np, "save", failing(errno.EIO))
    got = main(["stylize", "clip.mp4", "-s", "style.png", "-o", "o.mp4", "--passes", "2", *FAST])
    err = capsys.readouterr().err
    assert got == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
