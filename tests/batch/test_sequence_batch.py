"""A batch job whose output is an image sequence: done, skipped on a rerun, redone when a frame goes, left alone when one was edited."""

import contextlib
import io

import numpy as np
import pytest
from PIL import Image

from videostyle.batch import read_records
from videostyle.batch.outputs import exists, is_unchanged, made
from videostyle.cli import main
from videostyle.jobs import prepare, run

from .conftest import FAKE, calls, make_inputs, write_jobs

JOB = {"command": "stylize", "input": "shot/plate.%04d.png", "output": "out/shot/%04d.png", "model": "model.safetensors"}
DEFAULTS = {"device": "cpu", "seed": 0}


def _batch(path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["batch", str(path)])
    return code, out.getvalue() + err.getvalue()


@pytest.fixture
def folder(tmp_path):
    folder = make_inputs(tmp_path / "in")
    (folder / "shot").mkdir()
    rng = np.random.default_rng(1)
    for number in (7, 8, 9):
        Image.fromarray(rng.integers(0, 255, (24, 32, 3), dtype=np.uint8)).save(folder / f"shot/plate.{number:04d}.png")
    return folder


def test_sequence_job_runs_skips_redoes_after_a_frame_is_deleted_and_refuses_an_edited_one(folder):
    path = write_jobs(folder / "jobs.toml", [JOB], DEFAULTS)
    code, text = _batch(path)
    assert code == 0, text
    frames = sorted(p.name for p in (folder / "out/shot").iterdir())
    assert frames == ["0007.png", "0008.png", "0009.png"]  # the input's numbers carried on; no work folder left
    record = read_records(folder)["out/shot/%04d.png"]
    assert record.state == "done" and len(record.get("made")["frames"]) == 3

    assert [r.state for r in run(path, program=FAKE)] == ["skipped"] and calls(folder) == []

    (folder / "out/shot/0008.png").unlink()
    code, text = _batch(path)  # the frames left are the batch's own: redone, not refused
    assert code == 0 and "1 done, 0 skipped" in text, text
    assert sorted(p.name for p in (folder / "out/shot").iterdir()) == frames
    assert [r.state for r in run(path, program=FAKE)] == ["skipped"]

    Image.new("RGB", (32, 24)).save(folder / "out/shot/0008.png")  # someone edited a frame: the sequence is theirs now
    code, text = _batch(path)
    assert code == 2 and "already exists and is not the file this batch wrote" in text and calls(folder) == []


def test_pattern_output_record(tmp_path):
    pattern = tmp_path / "f.%03d.png"
    assert not exists(pattern)
    for number in (1, 2):
        (tmp_path / f"f.{number:03d}.png").write_bytes(b"x" * number)
    (tmp_path / "f.1.png").write_bytes(b"not a frame of %03d")
    record = made(pattern)
    assert exists(pattern) and record["size"] == 3 and len(record["frames"]) == 2
    assert is_unchanged(record, pattern)
    (tmp_path / "f.002.png").unlink()
    assert not is_unchanged(record, pattern) and is_unchanged(record, pattern, missing_ok=True)
    (tmp_path / "f.003.png").write_bytes(b"new")
    assert not is_unchanged(record, pattern, missing_ok=True)


def test_dry_run_reads_every_frame_of_input_and_mask_sequences(folder):
    for number in (7, 8, 9):
        Image.new("L", (32, 24), 255).save(folder / f"shot/matte.{number:04d}.png")
    job = {**JOB, "mask": "shot/matte.%04d.png"}
    _, _, [plan] = prepare(write_jobs(folder / "jobs.toml", [job], DEFAULTS))
    names = sorted(p.rsplit("/", 1)[1] for p in plan.identity.files)
    assert names == ["matte.0007.png", "matte.0008.png", "matte.0009.png", "model.safetensors",
                     "plate.0007.png", "plate.0008.png", "plate.0009.png"]
    with pytest.raises(Exception, match="does not exist"):
        prepare(write_jobs(folder / "jobs.toml", [{**JOB, "mask": "nomatte.png"}], DEFAULTS))
