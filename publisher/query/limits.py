"""How many queries may run at once, per client address and in all: slots are files locked with flock, so every
gunicorn worker sees the same counts and a killed worker's slots free themselves."""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


class TooManyQueries(Exception):
    """The client, or the server as a whole, has no free query slot; status says 429 or 503."""

    def __init__(self, status: int, message: str, retry_after: int = 2):
        self.status, self.retry_after = status, retry_after
        super().__init__(message)


class QuerySlots:
    MAX_OPEN = 512  # descriptors kept open per process for slot files of recent clients

    def __init__(self, per_client: int, total: int, directory: Path | None = None):
        self.per_client, self.total = per_client, total
        self.directory = directory or Path(tempfile.mkdtemp(prefix="lodpub-query-slots-"))
        self._fds: dict[str, int] = {}
        self._owner = os.getpid()

    def _fd(self, name: str) -> int:
        """Slot files stay open in each process (flock locks belong to the open file, so not across fork)."""
        if self._owner != os.getpid():
            self._fds, self._owner = {}, os.getpid()
        fd = self._fds.get(name)
        if fd is None:
            if len(self._fds) >= self.MAX_OPEN:
                # Only client slots are dropped, and only while this process holds none (sync workers take the
                # client slot first, with nothing else held).
                for old in [n for n in self._fds if not n.startswith("all-")][: self.MAX_OPEN // 2]:
                    os.close(self._fds.pop(old))
            fd = self._fds[name] = os.open(self.directory / name, os.O_CREAT | os.O_RDWR, 0o600)
        return fd

    def _take(self, prefix: str, count: int) -> int | None:
        for slot in range(count):
            fd = self._fd(f"{prefix}-{slot}.lock")
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                continue
        return None

    @contextmanager
    def hold(self, client: str):
        client_key = hashlib.sha256(client.encode()).hexdigest()[:16]
        mine = self._take(f"client-{client_key}", self.per_client)
        if mine is None:
            raise TooManyQueries(429, f"At most {self.per_client} queries may run at once per client address.")
        shared = self._take("all", self.total)
        if shared is None:
            fcntl.flock(mine, fcntl.LOCK_UN)
            raise TooManyQueries(503, "The server is running as many queries as it can; try again shortly.", 5)
        try:
            yield
        finally:
            fcntl.flock(shared, fcntl.LOCK_UN)
            fcntl.flock(mine, fcntl.LOCK_UN)
