"""One study window per database: an operating-system lock on ``<database>.lock``.

``flock`` is released by the kernel however the holder ends (a crash, a kill, a closed
terminal), so a stale lock cannot outlive its window. The file says who holds it (pid, host,
start time) so that a second window can name the first. A server database (PostgreSQL) has no
such lock: the store stays correct without it (record_review re-checks the state it was shown).
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Holder:
    pid: int
    host: str
    started: str  # ISO time, UTC

    def describe(self) -> str:
        try:
            since = datetime.fromisoformat(self.started).astimezone().strftime("%H:%M")
        except ValueError:
            since = "?"
        return f"process {self.pid} on {self.host}, since {since}"


class StudyLock:
    """Held, or not, for the life of one study window."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> Holder | None:
        """Take the lock; None when taken, else who holds it."""
        if self.path is None:
            return None
        import fcntl

        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                return _holder(os.pread(fd, 4096, 0))
            finally:
                os.close(fd)
        record = json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                             "started": datetime.now(UTC).isoformat(timespec="seconds")})
        os.ftruncate(fd, 0)
        os.pwrite(fd, record.encode(), 0)
        self._fd = fd
        return None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the flock
            self._fd = None


def _holder(data: bytes) -> Holder:
    try:
        found = json.loads(data.decode() or "{}")
        return Holder(int(found["pid"]), str(found["host"]), str(found["started"]))
    except (ValueError, KeyError, TypeError):
        return Holder(0, "an unknown host", "")
