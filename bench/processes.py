"""Starting and stopping servers on free loopback ports, shared by the benchmarks and the test suite."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    """Until the URL answers with anything below 500; fails early, with its output, if the process exits."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            output = ""
            if process.stdout and hasattr(process.stdout, "seek"):
                process.stdout.seek(0)
                output = process.stdout.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"server exited with {process.returncode}: {output}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(url)
        time.sleep(0.2)


@contextmanager
def server(command: list[str], env: dict, health_url: str, timeout: float = 60, **popen):
    """Run command in its own session until the block ends; the whole process group is stopped after."""
    # Output goes to a file, never a pipe: a server that logs every request would block on a full pipe.
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True, **popen)
    process.stdout = log
    try:
        wait_for(health_url, process, timeout)
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
