"""One SQLite file shared by threads: a connection per thread, WAL, and
write transactions that take the write lock up front (BEGIN IMMEDIATE).

`synchronous` is FULL unless the owner says otherwise: a committed write
survives a power cut (the PII keys and the idempotency answers must outlive
the events that depend on them). The read models pass NORMAL: in WAL mode that
can lose the last commits on power loss, never corrupt the file, and whatever
a projection loses it applies again from its tracked position.

Data files are created readable by their owner only (0600): SQLite gives its
-wal and -shm files the database file's permissions, so they follow."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

Synchronous = Literal["FULL", "NORMAL"]


def create_private(path: Path | str) -> None:
    """Creates the file 0600 unless it exists, before any library opens it (an
    existing file keeps the permissions its operator gave it).

    An existing file is never opened here: closing any descriptor of a file
    drops every POSIX lock the process holds on it, SQLite's included, and
    another process that then finds no lock on the database takes itself for
    its last user and deletes the -wal and -shm files under this process's
    open connections (a "disk I/O error", and the commits in that WAL lost)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(descriptor)


class SQLiteDatabase:
    def __init__(
        self,
        path: Path | str,
        schema: str,
        *,
        busy_timeout_s: float = 30.0,
        synchronous: Synchronous = "FULL",
    ) -> None:
        self.path = str(path)
        create_private(self.path)
        self._timeout = busy_timeout_s
        self._synchronous = synchronous
        self._local = threading.local()
        self.connection().executescript(schema)

    def connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path, timeout=self._timeout, isolation_level=None, check_same_thread=False
            )
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(f"PRAGMA synchronous={self._synchronous}")
            self._local.conn = conn
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        conn = self.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def read(self) -> sqlite3.Connection:
        return self.connection()
