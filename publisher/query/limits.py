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
    def __init__(self, per_client: int, total: int, directory: Path | None = None):
        self.per_client, self.total = per_client, total
        self.directory = directory or Path(tempfile.mkdtemp(prefix="lodpub-query-slots-"))

    def _take(self, prefix: str, count: int) -> int | None:
        for slot in range(count):
            fd = os.open(self.directory / f"{prefix}-{slot}.lock", os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                os.close(fd)
        return None

    @contextmanager
    def hold(self, client: str):
        client_key = hashlib.sha256(client.encode()).hexdigest()[:16]
        mine = self._take(f"client-{client_key}", self.per_client)
        if mine is None:
            raise TooManyQueries(429, f"At most {self.per_client} queries may run at once per client address.")
        shared = self._take("all", self.total)
        if shared is None:
            os.close(mine)
            raise TooManyQueries(503, "The server is running as many queries as it can; try again shortly.", 5)
        try:
            yield
        finally:
            os.close(shared)  # closing the descriptor releases the flock
            os.close(mine)
