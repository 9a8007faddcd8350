"""Work on one of the application's own SQLite files (the views, the PII keys)
as a limit: every statement run there, recorded while the application runs and
replayed raw, with the same parameters and the same `executemany` calls, into a
copy of the file as the recording found it, with the file's own journal mode and
`synchronous`.

The recording groups the statements into units, in the order they finished: a
transaction (BEGIN ... COMMIT or ROLLBACK) or one statement run outside any.
SQLite lets one write transaction run at a time, so the units of the threads
that wrote follow each other as they committed, and the replay runs them one
after another on one connection."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib.adapters.sqlite_db import SQLiteDatabase

from .raw import Durability, connect, read_durability

_ENDS = ("COMMIT", "ROLLBACK")


@dataclass(frozen=True)
class Statement:
    sql: str
    params: Any
    many: bool


Unit = tuple[Statement, ...]


class StatementLog:
    def __init__(self) -> None:
        self.units: list[Unit] = []
        self._lock = threading.Lock()

    def add(self, unit: Sequence[Statement]) -> None:
        with self._lock:
            self.units.append(tuple(unit))

    def mark(self) -> int:
        return len(self.units)

    def transactions(self, start: int = 0) -> int:
        return sum(1 for unit in self.units[start:] if unit[0].sql.startswith("BEGIN"))

    def statements(self, start: int = 0) -> int:
        return sum(len(unit) for unit in self.units[start:])


class _RecordingConnection:
    """Passes every call to the thread's connection, recording `execute` and
    `executemany` with their parameters into the log, unit by unit."""

    def __init__(self, conn: sqlite3.Connection, log: StatementLog) -> None:
        self._conn = conn
        self._log = log
        self._open: list[Statement] | None = None

    def _record(self, statement: Statement) -> None:
        if self._open is not None:
            self._open.append(statement)
            if statement.sql in _ENDS:
                self._log.add(self._open)
                self._open = None
        elif statement.sql.startswith("BEGIN"):
            self._open = [statement]
        else:
            self._log.add([statement])

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        self._record(Statement(sql, params, False))
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, params: Iterable[Any]) -> sqlite3.Cursor:
        rows = list(params)
        self._record(Statement(sql, rows, True))
        return self._conn.executemany(sql, rows)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


@contextmanager
def recording(db: SQLiteDatabase) -> Iterator[StatementLog]:
    """Records what every thread runs on `db` inside the block."""
    log = StatementLog()
    connection = db.connection  # the bound method: each thread's own connection
    local = threading.local()

    def recorded() -> Any:
        conn = connection()
        wrapper = getattr(local, "wrapper", None)
        if wrapper is None or wrapper._conn is not conn:
            wrapper = local.wrapper = _RecordingConnection(conn, log)
        return wrapper

    setattr(db, "connection", recorded)  # noqa: B010 (an instance attribute on purpose)
    try:
        yield log
    finally:
        delattr(db, "connection")


def durability_of(db: SQLiteDatabase) -> Durability:
    return read_durability(db.connection().cursor())


def copy(db: SQLiteDatabase, path: Path) -> None:
    """A consistent copy of the file (untimed), through SQLite's backup."""
    target = sqlite3.connect(path)
    try:
        db.connection().backup(target)
    finally:
        target.close()


def replay(path: Path, units: Sequence[Unit], durability: Durability, *, untimed: int = 0) -> float:
    """Runs the units raw on the copy at `path`, as the application ran them (an
    autocommit connection whose transactions are the recorded BEGIN and COMMIT,
    rows fetched whole as `sqlite3.Row`); the first `untimed` ones before the
    clock starts. Returns the seconds of the rest."""
    conn = connect(path, durability)
    try:
        conn.row_factory = sqlite3.Row
        _run(conn, units[:untimed])
        start = time.perf_counter()
        _run(conn, units[untimed:])
        return time.perf_counter() - start
    finally:
        conn.close()


def fastest_replay(
    wrote: Path | str,
    copies: Iterable[Path],
    units: Sequence[Unit],
    durability: Durability,
    *,
    untimed: int = 0,
) -> float:
    """Replays the units into each copy (`replay`) and returns the fastest.
    Each copy must end with the rows of the file the application `wrote`:
    otherwise the recording missed a write, and the limit would do less."""
    expected = contents(wrote)
    timings = []
    for path in copies:
        timings.append(replay(path, units, durability, untimed=untimed))
        if contents(path) != expected:
            raise AssertionError(f"the replay into {path.name} differs from {wrote}")
    return min(timings)


def _run(conn: sqlite3.Connection, units: Iterable[Unit]) -> None:
    for unit in units:
        for statement in unit:
            if statement.many:
                conn.executemany(statement.sql, statement.params)
            else:
                conn.execute(statement.sql, statement.params).fetchall()


def contents(path: Path | str) -> str:
    """A digest of every table's rows: a replay that did the run's writes
    leaves a copy with the same digest as the file the run wrote. A column the
    file fills with the time of the insert (a `DEFAULT` of 'now') is left out:
    the replay inserts later."""
    conn = sqlite3.connect(path)
    try:
        digest = hashlib.sha256()
        tables = conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        for (table,) in tables.fetchall():
            columns = [
                f'"{name}"'
                for _, name, _, _, default, _ in conn.execute(f'PRAGMA table_info("{table}")')
                if "'now'" not in str(default)
            ]
            rows = conn.execute(f'SELECT {", ".join(columns)} FROM "{table}"').fetchall()
            digest.update(f"{table}:{sorted(map(repr, rows))!r}".encode())
        return digest.hexdigest()
    finally:
        conn.close()
