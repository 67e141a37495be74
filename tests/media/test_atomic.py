import os

import pytest

from videostyle.errors import OutputError
from videostyle.media.atomic import atomic_output


def test_output_gets_umask_permissions_and_appears_only_on_success(tmp_path):
    target = tmp_path / "sub" / "out.txt"
    old = os.umask(0o022)
    try:
        with atomic_output(target) as tmp:
            tmp.write_text("done")
            assert not target.exists()
    finally:
        os.umask(old)
    assert target.read_text() == "done" and (target.stat().st_mode & 0o777) == 0o644


def test_failure_leaves_no_file_and_existing_output_is_refused(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(RuntimeError):
        with atomic_output(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []
    target.write_text("keep")
    with pytest.raises(OutputError, match="--overwrite"):
        with atomic_output(target):
            pass
    assert target.read_text() == "keep"
