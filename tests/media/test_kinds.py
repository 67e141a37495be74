import pytest

from videostyle.errors import InputError, OutputError
from videostyle.media.kinds import media_kind


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("a.png", "image"),
        ("b.JPG", "image"),
        ("c.tiff", "image"),
        ("d.Mp4", "video"),
        ("e.gif", "video"),
        ("f.webm", "video"),
    ],
)
def test_kind_by_extension_ignores_case(name: str, kind: str) -> None:
    assert media_kind(name) == kind


def test_unknown_extension_lists_the_accepted_ones() -> None:
    with pytest.raises(InputError, match=r"\.avi.*\.png.*\.mp4"):
        media_kind("clip.avi")
    with pytest.raises(OutputError, match="none"):
        media_kind("noext", for_output=True)
