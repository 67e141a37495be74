import errno
import os
import subprocess
import sys
import tempfile
import threading

import pytest

from videostyle.errors import OutputError
from videostyle.media import atomic
from videostyle.media.atomic import atomic_output
from videostyle.media.cleanup import owned_temp_dir


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


def test_temporary_names_carry_the_pid_and_stale_ones_are_removed(tmp_path):
    target = tmp_path / "out.mp4"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    stale_file = tmp_path / f".out.{dead_pid}.abc123.part.mp4"
    stale_dir = tmp_path / f".out.{dead_pid}.def456.part-passes"
    live_file = tmp_path / f".out.{os.getppid()}.ghi789.part.mp4"  # a live process: left alone
    stale_file.write_bytes(b"x")
    stale_dir.mkdir()
    (stale_dir / "result-000001.npy").write_bytes(b"x")
    live_file.write_bytes(b"x")
    with atomic_output(target) as tmp:
        assert tmp.name.startswith(f".out.{os.getpid()}.") and tmp.name.endswith(".part.mp4")
        tmp.write_bytes(b"video")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out.mp4", live_file.name])


def test_owned_temp_dir_is_named_for_the_pid_and_removed(tmp_path):
    with owned_temp_dir(tmp_path / "out.mp4", "passes") as folder:
        assert folder.name.startswith(f".out.{os.getpid()}.") and folder.name.endswith(".part-passes")
        (folder / "a.npy").write_bytes(b"x")
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_appears_while_working_is_never_replaced(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(OutputError, match="appeared while working"):
        with atomic_output(target) as tmp:
            tmp.write_text("mine")
            target.write_text("theirs")
    assert target.read_text() == "theirs" and [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_of_two_concurrent_writers_exactly_one_wins(tmp_path):
    target = tmp_path / "out.txt"
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def writer(name: str) -> None:
        try:
            with atomic_output(target) as tmp:
                tmp.write_text(name)
                barrier.wait()  # both have finished their work and both saw no output at the start
        except OutputError as error:
            outcomes[name] = str(error)
        else:
            outcomes[name] = "won"

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [name for name, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1 and target.read_text() == winners[0]
    loser = next(outcome for outcome in outcomes.values() if outcome != "won")
    assert "appeared while working" in loser and "\n" not in loser
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_overwrite_replaces_and_a_folder_target_is_refused(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with atomic_output(target, overwrite=True) as tmp:
        tmp.write_text("new")
    assert target.read_text() == "new"
    (tmp_path / "dir.txt").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        with atomic_output(tmp_path / "dir.txt", overwrite=True):
            pass


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES, errno.EROFS, errno.EDQUOT])
@pytest.mark.parametrize("where", ["probe", "temporary", "body", "publish"])
def test_os_errors_at_each_step_become_one_line_naming_path_and_cause(tmp_path, monkeypatch, code, where):
    target = tmp_path / "out.txt"
    failure = OSError(code, os.strerror(code))
    if where == "probe":
        monkeypatch.setattr(atomic.tempfile, "mkstemp", _raiser(failure))
    elif where == "publish":
        monkeypatch.setattr(atomic.os, "link", _raiser(failure))
    real_mkstemp = tempfile.mkstemp
    calls = []

    def second_mkstemp_fails(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise failure
        return real_mkstemp(*args, **kwargs)

    if where == "temporary":
        monkeypatch.setattr(atomic.tempfile, "mkstemp", second_mkstemp_fails)
    with pytest.raises(OutputError) as caught:
        with atomic_output(target) as tmp:
            if where == "body":
                raise failure
            tmp.write_text("done")
    message = str(caught.value)
    assert str(target) in message and "\n" not in message and "[Errno" not in message
    assert list(tmp_path.iterdir()) == []


def _raiser(error: OSError):
    def fail(*args, **kwargs):
        raise error

    return fail
