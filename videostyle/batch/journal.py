"""The batch journal: every job's state in OUTDIR/.videostyle/journal.jsonl, safe against kill -9.

Each change is one JSON line appended and fsynced; the latest line of a job wins and a torn last line
(a kill during the write) is ignored. Opening the journal compacts it with an atomic rename. Only the
head process writes it (a lock file keeps a second batch on the same folder out), so a Ray run and a
local run can resume each other.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import VideostyleError
from ..media.atomic import fsync_path

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
    """Latest record per job (empty if there is no journal); readable while a batch runs."""
    path = state_dir(outdir) / "journal.jsonl"
    records: dict[str, Record] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return records
    for line in lines:
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line torn by a kill
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
        """Append the job's new state durably."""
        data = {"job": job, "state": state, "time": time.time(), **fields}
        self._file.write(json.dumps(data) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())
        self.records[job] = record = Record(job, state, data)
        return record

    def running(self, job: str, options_hash: str, host: str | None = None, pid: int | None = None) -> Record:
        return self.write(job, "running", hash=options_hash, host=host or socket.gethostname(), pid=pid or os.getpid())


def is_done(record: Record | None, output: Path, options_hash: str) -> bool:
    """A finished job whose options are unchanged and whose output is still there, whole."""
    if record is None or record.state != "done" or record.get("hash") != options_hash:
        return False
    try:
        return output.stat().st_size == record.get("size")
    except OSError:
        return False


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()

