"""The batch journal: every job's state in OUTDIR/.videostyle/journal.jsonl, safe against kill -9.

Each change is one JSON line appended and fsynced; the latest line of a job wins and a torn last line
(a kill during the write) is ignored. Opening the journal compacts it with an atomic rename. Only the
head process writes it (a lock file keeps a second batch on the same folder out), so a Ray run and a
local run can resume each other.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import VideostyleError
from ..identity import JobIdentity
from ..media.atomic import fsync_path
from . import outputs

STATE_DIR = ".videostyle"
States = ("pending", "running", "done", "failed")


@dataclass(frozen=True)
class Record:
    """The latest known state of one job."""

    job: str
    state: str
    fields: dict[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        return self.fields.get(key, default)


def state_dir(outdir: Path) -> Path:
    return outdir / STATE_DIR


def read_records(outdir: Path) -> dict[str, Record]:
    """Latest record per job (empty if there is no journal); readable while a batch runs.

    A line that is not a JSON record (torn by a kill, or damaged on disk) is skipped: its job then
    counts as not done, which costs a rerun and never a wrong skip.
    """
    path = state_dir(outdir) / "journal.jsonl"
    records: dict[str, Record] = {}
    try:
        lines = path.read_bytes().splitlines()
    except FileNotFoundError:
        return records
    except OSError as exc:
        raise VideostyleError(f"cannot read the batch journal {path}: {exc.strerror}") from None
    for line in lines:
        try:
            data = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(data, dict) and isinstance(data.get("job"), str) and data.get("state") in States:
            records[data["job"]] = Record(data["job"], data["state"], data)
    return records


class Journal:
    """Writer of the journal; hold it (a context manager) for the whole batch."""

    def __init__(self, outdir: Path) -> None:
        self.folder = state_dir(outdir)
        self.path = self.folder / "journal.jsonl"
        self.outdir = outdir
        self.records: dict[str, Record] = {}
        self._lock: int | None = None
        self._file: Any = None

    def __enter__(self) -> Journal:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise VideostyleError(f"cannot create {self.folder}: {exc.strerror}") from None
        self._lock = os.open(self.folder / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock)
            raise VideostyleError(f"another batch is running on {self.outdir}; wait for it or stop it") from None
        self.records = read_records(self.outdir)
        self._compact()
        self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - closed in __exit__
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()
        if self._lock is not None:
            os.close(self._lock)  # releases the lock

    def _compact(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as out:
            out.writelines(json.dumps(r.fields) + "\n" for r in self.records.values())
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path)
        fsync_path(self.folder)

    def write(self, job: str, state: str, **fields: Any) -> Record:
        """Append the job's new state durably. What the job's output was when this batch made it
        (``made``) is carried into every later record until a new output replaces it."""
        previous = self.records.get(job)
        made = previous.get("made") if previous is not None else None
        data = {"job": job, "state": state, "time": time.time(), **({"made": made} if made else {}), **fields}
        self._file.write(json.dumps(data) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())
        self.records[job] = record = Record(job, state, data)
        return record

    def running(self, job: str, options_hash: str, host: str | None = None, pid: int | None = None) -> Record:
        return self.write(
            job, "running", hash=options_hash, host=host or socket.gethostname(), pid=pid or os.getpid(), started_ns=time.time_ns()
        )


def made_by_batch(record: Record | None, output: Path) -> bool:
    """The file at ``output`` is the one this batch wrote (same size, and same time or same digest), or
    one its job published after starting, while the batch was killed before it could record it. A
    sequence is the batch's while its frames are ones it wrote, even with some deleted (see outputs)."""
    if record is None:
        return False
    made = record.get("made")
    if isinstance(made, dict) and outputs.is_unchanged(made, output, missing_ok=True):
        return True
    started = record.get("started_ns")
    return record.state == "running" and isinstance(started, int) and outputs.written_since(output, started)


def is_done(record: Record | None, output: Path, identity: JobIdentity) -> bool:
    """A finished job made from the same options and file contents, whose whole output is still the one it wrote."""
    if record is None or record.state != "done" or not isinstance(made := record.get("made"), dict):
        return False
    return outputs.is_unchanged(made, output) and identity.matches(record.get("identity"))
