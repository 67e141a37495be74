"""docs/options.md is the option classes' specs, written out: regenerate it when an option changes."""

from pathlib import Path

from videostyle.cli.doc import page

DOC = Path(__file__).resolve().parents[2] / "docs" / "options.md"


def test_the_options_page_is_current():
    assert DOC.read_text() == page(), "run: python -m videostyle.cli.doc > docs/options.md"


def test_every_declared_option_has_a_row():
    text = DOC.read_text()
    for flag in ("--temporal-pool", "--alpha", "--style-at", "--mask", "--codec", "--zoom", "--react", "--workers"):
        assert f"`{flag}`" in text
