"""The local server takes a burst of a few hundred concurrent connections
without resetting any of them before the app sees it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from local.servers import AppServer
from tests.support.runtimes import running_container

CLIENTS = 300
TIMEOUT_S = 15.0


@pytest.fixture
def server(tmp_path: Path) -> Iterator[AppServer]:
    with running_container("embedded", None, tmp_path / "data"):
        started = AppServer("127.0.0.1", 0).start()
        try:
            yield started
        finally:
            started.stop()


def _get(host: str, port: int, gate: threading.Barrier) -> str:
    """One client: connects when every client is ready, answers the status line."""
    gate.wait(timeout=TIMEOUT_S)
    with socket.create_connection((host, port), timeout=TIMEOUT_S) as conn:
        conn.sendall(b"GET /products HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        answer = b""
        while b"\r\n" not in answer:
            chunk = conn.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n", 1)[0].decode()


def test_a_burst_of_concurrent_connections_is_served_without_a_reset(server: AppServer) -> None:
    address = urlsplit(server.base_url)
    host, port = address.hostname or "127.0.0.1", address.port or 80
    gate = threading.Barrier(CLIENTS)
    lines: list[str] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        try:
            line = _get(host, port, gate)
        except OSError as error:
            with lock:
                failures.append(repr(error))
            return
        with lock:
            lines.append(line)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * TIMEOUT_S)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []
    assert lines == ["HTTP/1.1 200 OK"] * CLIENTS
