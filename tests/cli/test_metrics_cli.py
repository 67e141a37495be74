"""`videostyle metrics` and the temporal options of `videostyle stylize`, end to end."""

import json

from videostyle.cli import main


def test_stylize_with_temporal_options_then_measure(moving_clip, tmp_path, capsys):
    clip = moving_clip(size=(96, 64), frames=4)
    style = tmp_path / "style.png"
    from PIL import Image

    Image.new("RGB", (32, 32), (200, 40, 40)).save(style)
    steady, loose = tmp_path / "steady.mp4", tmp_path / "loose.mp4"
    common = ["-s", style, "--steps", "3", "--device", "cpu", "-q"]
    temporal = ["--temporal-weight", "1e5", "--long-term", "2", "--flow-preset", "fast"]
    assert main([str(a) for a in ["stylize", clip, "-o", steady, *common, *temporal]]) == 0
    assert main([str(a) for a in ["stylize", clip, "-o", loose, *common, "--no-temporal"]]) == 0
    capsys.readouterr()
    assert main(["metrics", str(clip), str(steady), "--device", "cpu", "-q"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report["warping_error"]) == {"stylized", "input"} and report["frames"] == 4
    assert report["flow"] == "dis" and report["ratio"] > 0


def test_bad_temporal_options_are_usage_or_option_errors(moving_clip, tmp_path, capsys):
    clip = moving_clip(frames=2)
    assert main(["stylize", str(clip), "-o", str(tmp_path / "o.mp4"), "-s", str(clip), "--passes", "0"]) == 2
    assert main(["stylize", str(clip), "-o", str(tmp_path / "o.mp4"), "-s", str(clip), "--flow", "magic"]) == 2
    assert main(["metrics", str(clip), str(tmp_path / "missing.mp4")]) == 1
    assert "error:" in capsys.readouterr().err
