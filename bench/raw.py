"""The physical limits on SQLite: the application's own event-store transactions
replayed raw, and one raw read of the log. No application on top.

`CommitLog` records, while the application runs, every transaction its event
store commits: which table (events or snapshots) and the very rows. `replay`
writes the same rows again into a fresh file, in the same transactions:
tables made by eventsourcing's own CREATE statements, its own INSERT statement,
one `execute` per event row (as SQLiteApplicationRecorder does, it reads the
rowid) and one `executemany` per snapshot commit (as SQLiteAggregateRecorder
does), BEGIN ... COMMIT on an autocommit connection, and the event store's own
journal mode and `synchronous`, read from its connection and set explicitly.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import (
    SQLiteAggregateRecorder,
    SQLiteApplicationRecorder,
    SQLiteDatastore,
)

Table = Literal["events", "snapshots"]
Params = tuple[str, int, str, bytes]


@dataclass(frozen=True)
class Commit:
    """One transaction the event store committed."""

    table: Table
    rows: tuple[StoredEvent, ...]


@dataclass(frozen=True)
class Durability:
    journal_mode: str
    synchronous: int
    """0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA."""

    @property
    def synchronous_name(self) -> str:
        names = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
        return names.get(self.synchronous, str(self.synchronous))


def _sqlite_recorder(recorder: object) -> SQLiteAggregateRecorder:
    if not isinstance(recorder, SQLiteAggregateRecorder):
        raise TypeError(f"the bench needs the SQLite event store, got {type(recorder).__name__}")
    return recorder


class CommitLog:
    """Wraps the `insert_events` of one store's recorders (events and
    snapshots) to record each committed transaction, in commit order. A write
    that raises committed nothing and is not recorded. The store is the event
    store or the behaviour log."""

    def __init__(self, store: Application[UUID]) -> None:
        self.commits: list[Commit] = []
        self._wrap(store.recorder, "events")
        if store.snapshots is not None:
            self._wrap(store.snapshots.recorder, "snapshots")

    def _wrap(self, recorder: object, table: Table) -> None:
        target = _sqlite_recorder(recorder)
        insert: Callable[..., Sequence[int] | None] = target.insert_events
        commits = self.commits

        def recording(stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
            result = insert(stored_events, **kwargs)
            commits.append(Commit(table, tuple(stored_events)))
            return result

        setattr(target, "insert_events", recording)  # noqa: B010 (an instance attribute on purpose)

    def mark(self) -> int:
        return len(self.commits)


def durability_of(store: Application[UUID]) -> Durability:
    """The journal mode and `synchronous` of the event store's own connection."""
    recorder = _sqlite_recorder(store.recorder)
    with recorder.datastore.transaction(commit=False) as cursor:
        return read_durability(cursor)


def read_durability(cursor: Any) -> Durability:
    """The journal mode and `synchronous` a connection runs with, through one
    of its cursors (sqlite3's or eventsourcing's)."""
    cursor.execute("PRAGMA journal_mode")
    mode = str(cursor.fetchone()[0]).lower()
    cursor.execute("PRAGMA synchronous")
    return Durability(mode, int(cursor.fetchone()[0]))


def _params(event: StoredEvent) -> Params:
    """The parameters eventsourcing's SQLite recorders bind for one row."""
    originator = event.originator_id
    text = originator.hex if isinstance(originator, UUID) else str(originator)
    return (text, event.originator_version, event.topic, event.state)


def _create_tables(path: Path) -> dict[Table, str]:
    """The event store's two tables, by eventsourcing's own recorders (untimed);
    returns their INSERT statements."""
    datastore = SQLiteDatastore(db_name=str(path))
    try:
        events = SQLiteApplicationRecorder(datastore)
        snapshots = SQLiteAggregateRecorder(datastore, "stored_snapshots")
        events.create_table()
        snapshots.create_table()
        return {
            "events": events.insert_events_statement,
            "snapshots": snapshots.insert_events_statement,
        }
    finally:
        datastore.close()


def connect(path: Path, durability: Durability) -> sqlite3.Connection:
    """An autocommit connection to `path` in the given journal mode and `synchronous`."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    mode = conn.execute(f"PRAGMA journal_mode={durability.journal_mode}").fetchone()[0]
    if str(mode).lower() != durability.journal_mode:
        raise RuntimeError(f"journal mode {mode}, wanted {durability.journal_mode}")
    conn.execute(f"PRAGMA synchronous={durability.synchronous}")
    return conn


def _plan(path: Path, commits: Sequence[Commit]) -> list[tuple[str, bool, list[Params]]]:
    statements = _create_tables(path)
    return [
        (statements[c.table], c.table == "snapshots", [_params(e) for e in c.rows]) for c in commits
    ]


def _commit(
    conn: sqlite3.Connection, cursor: sqlite3.Cursor, statement: str, many: bool, rows: list[Params]
) -> None:
    cursor.execute("BEGIN")
    if many:
        cursor.executemany(statement, rows)
    else:
        for row in rows:
            cursor.execute(statement, row)
            _ = cursor.lastrowid
    conn.commit()


def replay(
    path: Path, commits: Sequence[Commit], durability: Durability, *, untimed: int = 0
) -> float:
    """Commits `commits` raw into a fresh file at `path`; the first `untimed`
    ones (the run's setup) are written before the clock starts. Returns the
    seconds of the rest."""
    plan = _plan(path, commits)
    conn = connect(path, durability)
    try:
        cursor = conn.cursor()
        for statement, many, rows in plan[:untimed]:
            _commit(conn, cursor, statement, many, rows)
        start = time.perf_counter()
        for statement, many, rows in plan[untimed:]:
            _commit(conn, cursor, statement, many, rows)
        return time.perf_counter() - start
    finally:
        conn.close()


def fastest_replay(
    prefix: Path, commits: Sequence[Commit], durability: Durability, *, untimed: int = 0
) -> float:
    """The fastest of three `replay`s, each into a fresh file named after `prefix`."""
    return min(
        replay(prefix.with_name(f"{prefix.name}-{n}.sqlite"), commits, durability, untimed=untimed)
        for n in range(3)
    )


def read_log(events_db: Path, page: int) -> tuple[int, float]:
    """One raw pass over the whole log: the recorder's own SELECT of
    `select_notifications`, in pages of `page` rows, fetched as tuples
    without making notifications or deserialising events; (rows, seconds)."""
    statement = "SELECT rowid, * FROM stored_events WHERE rowid>? ORDER BY rowid LIMIT ?"
    conn = sqlite3.connect(events_db, check_same_thread=False)
    try:
        start = time.perf_counter()
        position, count = 0, 0
        while True:
            rows = conn.execute(statement, (position, page)).fetchall()
            if not rows:
                return count, time.perf_counter() - start
            count += len(rows)
            position = rows[-1][0]
    finally:
        conn.close()


def read_notifications(recorder: Any, page: int) -> float:
    """One pass over the whole log through the recorder's `select_notifications`,
    in pages of `page`: notifications made, no event deserialised; seconds."""
    start = time.perf_counter()
    position = 0
    while True:
        notifications = recorder.select_notifications(
            start=position, limit=page, inclusive_of_start=False
        )
        if not notifications:
            return time.perf_counter() - start
        position = notifications[-1].id
