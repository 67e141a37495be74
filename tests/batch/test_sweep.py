"""Sweeps: inputs (files and folders, recursively, media only) x styles, named INPUT__STYLE.ext, saved as batch.toml."""

from pathlib import Path

from videostyle.batch import load_manifest, sweep_manifest, write_manifest
from videostyle.cli import main


def _tree(inputs: Path) -> Path:
    clips = inputs / "clips"
    (clips / "sub").mkdir(parents=True)
    (clips / "a.png").write_bytes((inputs / "content.png").read_bytes())
    (clips / "sub" / "b.mp4").write_bytes((inputs / "clip.mp4").read_bytes())
    (clips / "notes.txt").write_text("not media")
    styles = inputs / "styles"
    styles.mkdir()
    for name in ("starry", "wave"):
        (styles / f"{name}.png").write_bytes((inputs / "style.png").read_bytes())
    return inputs


def test_sweep_names_and_saved_manifest(inputs, tmp_path):
    _tree(inputs)
    manifest = sweep_manifest([inputs / "clips", inputs / "content.png"], [inputs / "styles"], tmp_path / "out", {"size": 32})
    names = sorted(job.output for job in manifest.jobs)
    assert names == [
        "a__starry.png", "a__wave.png", "content__starry.png", "content__wave.png", "sub/b__starry.mp4", "sub/b__wave.mp4",
    ]
    saved = load_manifest(write_manifest(manifest, tmp_path / "out" / "batch.toml"))
    assert saved.jobs == manifest.jobs and saved.base == manifest.base
    assert all(job.options["size"] == 32 and Path(job.options["style"][0]).is_absolute() for job in saved.jobs)


def test_sweep_cli_dry_run_parses_stylize_options(inputs, tmp_path, capsys):
    _tree(inputs)
    code = main([
        "batch", "stylize", str(inputs / "clips"), "-s", str(inputs / "styles" / "wave.png"), "--size", "32",
        "--no-temporal", "-o", str(tmp_path / "out"), "--dry-run", "--steps", "2",
    ])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "a__wave.png" in out and "b__wave.mp4" in out and "2 jobs are valid" in out


def test_sweep_cli_reports_a_bad_stylize_option(inputs, tmp_path, capsys):
    code = main(["batch", "stylize", str(inputs / "content.png"), "-s", str(inputs / "style.png"), "-o", str(tmp_path), "--size", "9"])
    assert code == 2 and "--size" in capsys.readouterr().err


def test_a_folder_of_numbered_frames_is_one_input_of_a_sweep(inputs, tmp_path, capsys):
    _tree(inputs)
    shot = inputs / "clips" / "shot"
    shot.mkdir()
    for n in (1001, 1002, 1003):
        (shot / f"plate.{n}.png").write_bytes((inputs / "content.png").read_bytes())
    manifest = sweep_manifest([inputs / "clips"], [inputs / "styles" / "wave.png"], tmp_path / "out", {})
    assert sorted(job.output for job in manifest.jobs) == ["a__wave.png", "shot__wave/plate.%04d.png", "sub/b__wave.mp4"]
    alone = sweep_manifest([shot], [inputs / "styles" / "wave.png"], tmp_path / "out", {})  # the folder given itself
    assert [(job.input, job.output) for job in alone.jobs] == [(str(shot.resolve()), "shot__wave/plate.%04d.png")]
    (shot / "notes.png").write_bytes((inputs / "content.png").read_bytes())  # not a frame: a folder of pictures
    loose = sweep_manifest([shot], [inputs / "styles" / "wave.png"], tmp_path / "out", {})
    assert len(loose.jobs) == 4 and all(job.output.endswith("__wave.png") for job in loose.jobs)
    (shot / "notes.png").unlink()
    code = main([
        "batch", "stylize", str(inputs / "clips"), "-s", str(inputs / "styles" / "wave.png"), "--size", "32",
        "--no-temporal", "-o", str(tmp_path / "out"), "--dry-run", "--steps", "2",
    ])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "shot__wave/plate.%04d.png" in out and "3 jobs are valid" in out


def test_no_sequences_makes_every_numbered_photo_an_input(inputs, tmp_path, capsys):
    photos = inputs / "camera"
    photos.mkdir()
    for n in (1, 2, 3):
        (photos / f"IMG_{n:04d}.png").write_bytes((inputs / "content.png").read_bytes())
    style = inputs / "style.png"
    apart = sweep_manifest([photos], [style], tmp_path / "out", {}, sequences=False)
    assert sorted(job.output for job in apart.jobs) == [f"IMG_{n:04d}__style.png" for n in (1, 2, 3)]
    for flags, expected in (([], ["camera__style/IMG_%04d.png", "1 job is valid"]),
                            (["--no-sequences"], ["IMG_0002__style.png", "3 jobs are valid"]),
                            (["--no-sequences", "--sequences"], ["camera__style/IMG_%04d.png", "1 job is valid"])):
        code = main(["batch", "stylize", str(photos), "-s", str(style), *flags, "-o", str(tmp_path / "out"), "--dry-run", "--steps", "2"])
        out = capsys.readouterr().out
        assert code == 0, out
        assert all(text in out for text in expected), out


def test_a_sweep_takes_the_old_spellings_too(inputs, tmp_path, capsys):
    """``--iterations 3`` was read as a flag and its 3 as an input: "Input should be a valid integer"."""
    _tree(inputs)
    code = main([
        "batch", "stylize", str(inputs / "clips"), "-s", str(inputs / "styles" / "wave.png"), "--iterations", "3",
        "-o", str(tmp_path / "out"), "--dry-run",
    ])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "--iterations is now --steps" in err and "2 jobs are valid" in out
