"""The physical limits: raw SQLite inserts and log reads, no application on top.

The insert side mirrors eventsourcing.sqlite's application recorder: same table
(`stored_events`, primary key (originator_id, originator_version)), WAL journal,
default `synchronous`, autocommit connection with an explicit BEGIN/COMMIT per
command and one `execute` per row.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

from chalicelib.application import Shop

EventRow = tuple[str, int, str, bytes]

CREATE_EVENTS = (
    "CREATE TABLE IF NOT EXISTS stored_events ("
    "originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB, "
    "PRIMARY KEY (originator_id, originator_version))"
)
INSERT_EVENT = "INSERT INTO stored_events VALUES (?,?,?,?)"


def stored_rows(events_db: Path, after: int) -> list[EventRow]:
    """The rows the application wrote after notification id `after`, in log order."""
    with sqlite3.connect(f"file:{events_db}?mode=ro", uri=True) as conn:
        cursor = conn.execute(
            "SELECT originator_id, originator_version, topic, state FROM stored_events "
            "WHERE rowid > ? ORDER BY rowid",
            (after,),
        )
        return [(str(a), int(b), str(c), bytes(d)) for a, b, c, d in cursor]


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    assert str(mode).lower() == "wal", mode
    conn.execute(CREATE_EVENTS)
    return conn


def synchronous_setting(path: Path) -> int:
    conn = _connect(path)
    try:
        return int(conn.execute("PRAGMA synchronous").fetchone()[0])
    finally:
        conn.close()


def insert_rows(path: Path, rows: Sequence[EventRow], per_command: Sequence[int]) -> float:
    """Inserts rows in transactions of `per_command` sizes (cycled); returns seconds."""
    conn = _connect(path)
    try:
        start = time.perf_counter()
        position, command = 0, 0
        while position < len(rows):
            size = per_command[command % len(per_command)]
            cursor = conn.cursor()
            cursor.execute("BEGIN")
            for row in rows[position : position + size]:
                cursor.execute(INSERT_EVENT, row)
            conn.commit()
            position += size
            command += 1
        return time.perf_counter() - start
    finally:
        conn.close()


def read_log(shop: Shop, page: int = 500) -> tuple[int, float]:
    """Pages through the whole log without deserialising; (rows, seconds)."""
    recorder = shop.store.recorder
    start = time.perf_counter()
    position, count = 0, 0
    while True:
        notifications = recorder.select_notifications(
            position, limit=page, inclusive_of_start=False
        )
        if not notifications:
            return count, time.perf_counter() - start
        count += len(notifications)
        position = notifications[-1].id
