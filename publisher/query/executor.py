"""Run queries where they can be stopped. A pyoxigraph query cannot be interrupted from a Python thread, so the
only way to free the CPU of a runaway query is to end the process running it:

- under gunicorn, the worker runs the query itself and a watchdog thread answers 503 and kills the worker at the
  deadline (gunicorn replaces it); this costs nothing per query;
- elsewhere (tests, other WSGI servers), a child process per worker runs the queries and is killed at the deadline;
  it is forked from the worker, so it shares the loaded store copy-on-write."""

from __future__ import annotations

import ctypes
import io
import itertools
import multiprocessing
import os
import signal
import threading
import time
from dataclasses import dataclass

import pyoxigraph as ox

from publisher.store.base import Store, StoreUnavailable
from publisher.web import formats


PR_SET_PDEATHSIG = 1


class QueryTimeout(Exception):
    """The query ran past its time limit and was stopped."""


class QueryError(Exception):
    """The engine rejected the query (syntax, unsupported feature); the message comes from the engine."""


@dataclass(frozen=True)
class QueryJob:
    query: str
    form: str
    format_key: str  # a key of formats; "html" asks for JSON results the web layer renders
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    has_dataset_clause: bool = False


@dataclass(frozen=True)
class QueryResult:
    body: bytes
    truncated: bool
    count: int


def _results_format(format_key: str) -> formats.Format:
    """HTML pages are rendered from JSON results (solutions) or Turtle (graphs)."""
    return {f.key: f for f in (*formats.SOLUTION_FORMATS, *formats.RDF_FORMATS)}[format_key]


class RowLimitReached(Exception):
    """Raised from inside pyoxigraph's writer to stop it once enough rows are written."""


class RowLimitedBuffer(io.RawIOBase):
    """A binary sink that keeps whole lines up to a limit and then stops whoever writes to it."""

    def __init__(self, max_lines: int):
        super().__init__()
        self.chunks: list[bytes] = []
        self.lines, self.max_lines, self.truncated = 0, max_lines, False

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        count = data.count(b"\n")
        if self.lines + count <= self.max_lines:
            self.chunks.append(data)
            self.lines += count
            return len(data)
        end = -1
        for _ in range(self.max_lines - self.lines):
            end = data.index(b"\n", end + 1)
        self.chunks.append(data[:end + 1])
        self.lines, self.truncated = self.max_lines, True
        raise RowLimitReached

    def getvalue(self) -> bytes:
        return b"".join(self.chunks)


def execute(store: Store, job: QueryJob, max_rows: int, base_iri: str) -> QueryResult:
    """Run one query and serialize at most max_rows solutions or triples with pyoxigraph's writers."""
    results = store.query(job.query, default_graph_uris=job.default_graph_uris, named_graph_uris=job.named_graph_uris,
                          union_default_graph=not job.has_dataset_clause)
    if job.form == "ASK":
        fmt = formats.RESULTS_JSON if job.format_key == "html" else _results_format(job.format_key)
        return QueryResult(results.serialize(format=fmt.ox_format), False, 1)
    if job.form == "SELECT":
        fmt = formats.RESULTS_JSON if job.format_key == "html" else _results_format(job.format_key)
        # pyoxigraph writes TSV (one row a line) into a buffer that stops the writer after max_rows rows; the kept
        # rows are read back and written in the wanted format. Bounded output, all in pyoxigraph's own code.
        buffer = RowLimitedBuffer(max_rows + 1)  # + the header line
        try:
            results.serialize(output=buffer, format=ox.QueryResultsFormat.TSV)
        except RowLimitReached:
            pass
        tsv = buffer.getvalue()
        if fmt is formats.RESULTS_TSV:
            return QueryResult(tsv, buffer.truncated, buffer.lines - 1)
        kept = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV)
        return QueryResult(kept.serialize(format=fmt.ox_format), buffer.truncated, buffer.lines - 1)
    fmt = formats.TURTLE if job.format_key == "html" else _results_format(job.format_key)
    triples = list(itertools.islice(results, max_rows + 1))
    truncated = len(triples) > max_rows
    return QueryResult(formats.serialize_triples(triples[:max_rows], fmt, base_iri), truncated, min(len(triples), max_rows))


def _die_with_parent() -> None:
    """Linux: the kernel kills this child when its worker dies (even by SIGKILL), so no query runs on orphaned."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _child_loop(connection, store: Store, max_rows: int, base_iri: str) -> None:
    _die_with_parent()
    while True:
        try:
            job = connection.recv()
        except EOFError:
            return
        try:
            connection.send(("ok", execute(store, job, max_rows, base_iri)))
        except SyntaxError as exc:
            connection.send(("syntax", str(exc)))
        except StoreUnavailable as exc:
            connection.send(("unavailable", str(exc)))
        except (ValueError, OSError, TypeError) as exc:
            connection.send(("error", str(exc)))


class QueryExecutor:
    """One stoppable child per process that uses it; gunicorn workers each get their own after fork."""

    def __init__(self, store: Store, timeout: float, max_rows: int, base_iri: str):
        self.store, self.timeout, self.max_rows, self.base_iri = store, timeout, max_rows, base_iri
        self._owner = None
        self._child = None
        self._connection = None

    def _ensure_child(self) -> None:
        if self._owner == os.getpid() and self._child is not None and self._child.is_alive():
            return
        context = multiprocessing.get_context("fork")
        parent_end, child_end = context.Pipe()
        child = context.Process(target=_child_loop, args=(child_end, self.store, self.max_rows, self.base_iri),
                                daemon=True, name="lodpub-query")
        child.start()
        child_end.close()
        self._owner, self._child, self._connection = os.getpid(), child, parent_end

    def stop(self) -> None:
        """Kill the child at once: the only way to stop a running pyoxigraph query."""
        if self._child is not None and self._owner == os.getpid():
            self._child.kill()
            self._child.join(timeout=5)
            self._connection.close()
        self._child = self._connection = None

    def run(self, job: QueryJob) -> QueryResult:
        self._ensure_child()
        try:
            self._connection.send(job)
            ready = self._connection.poll(self.timeout)
            outcome = self._connection.recv() if ready else None
        except (EOFError, OSError) as exc:
            self.stop()
            raise StoreUnavailable(f"The query process failed ({exc}); it has been restarted.") from exc
        if outcome is None:
            self.stop()
            raise QueryTimeout(f"The query ran longer than {self.timeout:g} s and was stopped.")
        status, payload = outcome
        if status == "ok":
            return payload
        if status == "unavailable":
            raise StoreUnavailable(payload)
        raise QueryError(payload)


class Watchdog(threading.Thread):
    """One per worker process: at the deadline of a query still running, it answers the client itself with 503 on
    the connection's socket and kills its own process, the one sure way to stop a pyoxigraph query and free the
    CPU. gunicorn's arbiter forks a fresh worker from the preloaded master at once. Works because pyoxigraph
    releases the GIL while it evaluates and serializes."""

    POLL_SECONDS = 0.05  # how late past the deadline it may act

    def __init__(self):
        super().__init__(daemon=True, name="lodpub-query-watchdog")
        self._condition = threading.Condition()
        self._deadline: float | None = None
        self._socket = None
        self._answer = b""
        self._fired = False

    def arm(self, seconds: float, client_socket, message: str) -> None:
        body = f"503 Query Timeout: {message}\n".encode()
        answer = (f"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                  f"Content-Length: {len(body)}\r\nAccess-Control-Allow-Origin: *\r\nConnection: close\r\n\r\n")
        with self._condition:  # no notify: waking the thread per query would cost more than the query
            self._deadline, self._socket, self._answer = time.monotonic() + seconds, client_socket, answer.encode() + body

    def disarm(self) -> bool:
        """False when the watchdog has already fired: the process is about to end and must not answer again."""
        with self._condition:
            self._deadline = None
            return not self._fired

    def run(self) -> None:
        with self._condition:
            while self._deadline is None or time.monotonic() < self._deadline:
                self._condition.wait(self.POLL_SECONDS)
            self._fired = True
        try:
            self._socket.sendall(self._answer)
        except OSError:
            pass
        finally:
            os.kill(os.getpid(), signal.SIGKILL)


class InProcessExecutor:
    """Under gunicorn: the worker runs the query itself, with no inter-process hop, guarded by its Watchdog."""

    def __init__(self, store: Store, timeout: float, max_rows: int, base_iri: str):
        self.store, self.timeout, self.max_rows, self.base_iri = store, timeout, max_rows, base_iri
        self._watchdog: tuple[int, Watchdog] | None = None

    def _guard(self) -> Watchdog:
        if self._watchdog is None or self._watchdog[0] != os.getpid():
            watchdog = Watchdog()
            watchdog.start()
            self._watchdog = (os.getpid(), watchdog)
        return self._watchdog[1]

    def run(self, job: QueryJob, client_socket) -> QueryResult:
        watchdog = self._guard()
        watchdog.arm(self.timeout, client_socket, f"The query ran longer than {self.timeout:g} s and was stopped.")
        try:
            return execute(self.store, job, self.max_rows, self.base_iri)
        except SyntaxError as exc:
            raise QueryError(str(exc)) from exc
        except (ValueError, OSError, TypeError) as exc:
            raise QueryError(str(exc)) from exc
        finally:
            if not watchdog.disarm():
                time.sleep(60)  # the watchdog has answered and is ending this process
