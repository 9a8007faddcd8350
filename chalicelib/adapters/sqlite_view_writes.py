"""A view transaction's writes in SQLite: each projection's part holds its
writes until the part ends, then moves the projection's tracked position (only
from where the part started) and writes each key's last state once, with the
part's outbox messages, in the transaction it belongs to (sqlite_views.py)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from eventsourcing.persistence import IntegrityError, Tracking

from ..projections.base import Doc, rank_time
from .view_json import to_json


def namespace(projection: str, generation: int, view: str) -> str:
    return f"{projection}@{generation}/{view}"


def tracking_name(projection: str, generation: int) -> str:
    return f"{projection}@{generation}"


class SQLiteViewWriter:
    """Holds a part's writes until the part ends, then writes each key's last
    state once; a read sees the part's own writes, reads a key from the file
    once, and always returns a fresh copy (as a read of the file would)."""

    def __init__(
        self, conn: sqlite3.Connection, projection: str, generation: int, now: Callable[[], str]
    ) -> None:
        self._conn = conn
        self._now = now
        self._prefix = namespace(projection, generation, "")
        self._pending: dict[tuple[str, str], tuple[str, str, str] | None] = {}
        """(namespace, key) -> (group, rank, doc JSON), or None for a delete."""
        self._read: dict[tuple[str, str], str | None] = {}
        self._outbox: dict[str, tuple[str, str, str, str]] = {}

    def get(self, view: str, key: str) -> Doc | None:
        item = (self._prefix + view, key)
        if item in self._pending:
            pending = self._pending[item]
            text = None if pending is None else pending[2]
        elif item in self._read:
            text = self._read[item]
        else:
            row = self._conn.execute(
                "SELECT doc FROM view_items WHERE ns=? AND key=?", item
            ).fetchone()
            text = self._read[item] = row[0] if row else None
        doc: Doc | None = None if text is None else json.loads(text)
        return doc

    def put(self, view: str, key: str, doc: Doc, *, group: str = "", rank: str = "") -> None:
        text = to_json(doc)
        self._pending[(self._prefix + view, key)] = (group, rank, text)

    def delete(self, view: str, key: str) -> None:
        self._pending[(self._prefix + view, key)] = None

    def enqueue(
        self, message_id: str, kind: str, payload: Doc, *, not_before: datetime | None = None
    ) -> None:
        """A delayed message is an ordinary pending one whose first attempt is not
        due before `not_before`; the dispatcher's due() leaves it until then."""
        due = "" if not_before is None else rank_time(not_before)
        text = to_json(payload)
        self._outbox.setdefault(message_id, (kind, text, due, self._now()))

    def flush(self) -> None:
        """Writes what the part holds, in the transaction it belongs to."""
        puts = [(*item, *state) for item, state in self._pending.items() if state is not None]
        deletes = [item for item, state in self._pending.items() if state is None]
        if puts:
            self._conn.executemany(
                "INSERT OR REPLACE INTO view_items (ns, key, grp, rank, doc) VALUES (?,?,?,?,?)",
                puts,
            )
        if deletes:
            self._conn.executemany("DELETE FROM view_items WHERE ns=? AND key=?", deletes)
        if self._outbox:
            self._conn.executemany(
                "INSERT OR IGNORE INTO outbox (id, kind, payload, next_attempt_at, created_at) "
                "VALUES (?,?,?,?,?)",
                [(message_id, *message) for message_id, message in self._outbox.items()],
            )


class SQLiteViewTransaction:
    """The parts of one view transaction; a part's writes are held until it
    ends, so a projection that fails drops its own writes and nothing else."""

    def __init__(self, conn: sqlite3.Connection, now: Callable[[], str]) -> None:
        self._conn = conn
        self._now = now

    @contextmanager
    def part(
        self, projection: str, generation: int, after: int, upto: int
    ) -> Iterator[SQLiteViewWriter]:
        name = tracking_name(projection, generation)
        conn = self._conn
        writer = SQLiteViewWriter(conn, projection, generation, self._now)
        yield writer  # a part whose block raises has written nothing: it is dropped
        moved = conn.execute(
            "UPDATE tracking SET notification_id=? WHERE application_name=? AND notification_id=?",
            (upto, name, after),
        ).rowcount
        if not moved:  # a first move (no row yet at 0), or another runner got here first
            if (
                after != 0
                or conn.execute(
                    "SELECT 1 FROM tracking WHERE application_name=?", (name,)
                ).fetchone()
            ):
                raise IntegrityError(f"{name} moved past {after} meanwhile")
            move_tracking(conn, Tracking(name, upto))
        writer.flush()


def move_tracking(conn: sqlite3.Connection, tracking: Tracking) -> None:
    """Moves the tracked position forward; IntegrityError when it is there or past."""
    row = conn.execute(
        "INSERT INTO tracking VALUES (?, ?) ON CONFLICT (application_name) DO UPDATE "
        "SET notification_id=excluded.notification_id "
        "WHERE tracking.notification_id < excluded.notification_id RETURNING notification_id",
        (tracking.application_name, tracking.notification_id),
    ).fetchone()
    if row is None:
        msg = f"{tracking.application_name} already processed {tracking.notification_id}"
        raise IntegrityError(msg)
