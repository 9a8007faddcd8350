"""Read models in SQLite: view items, projection tracking and the outbox
share one file, so a projection's view writes, its outbox intents and its
tracking position commit in one transaction (exactly-once in effect). A
projection's generation that failed on an event has a row in
`projection_parks` until an operator resumes it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from eventsourcing.persistence import IntegrityError, PersistenceError, Tracking, TrackingRecorder

from ..projections.base import Doc, Park, rank_time
from .sqlite_db import SQLiteDatabase

SCHEMA = """
CREATE TABLE IF NOT EXISTS view_items (
  ns TEXT NOT NULL, key TEXT NOT NULL, grp TEXT NOT NULL, rank TEXT NOT NULL, doc TEXT NOT NULL,
  PRIMARY KEY (ns, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS view_items_by_group ON view_items (ns, grp, rank);
CREATE TABLE IF NOT EXISTS projection_generations (
  name TEXT PRIMARY KEY, generation INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tracking (
  application_name TEXT PRIMARY KEY, notification_id INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS projection_parks (
  name TEXT PRIMARY KEY, park TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outbox (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL DEFAULT '', last_error TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  sent_at TEXT NOT NULL DEFAULT '') WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (status, next_attempt_at);
"""


def namespace(projection: str, generation: int, view: str) -> str:
    return f"{projection}@{generation}/{view}"


def tracking_name(projection: str, generation: int) -> str:
    return f"{projection}@{generation}"


class SQLiteViewWriter:
    def __init__(self, conn: sqlite3.Connection, projection: str, generation: int) -> None:
        self._conn = conn
        self._projection = projection
        self._generation = generation

    def _ns(self, view: str) -> str:
        return namespace(self._projection, self._generation, view)

    def get(self, view: str, key: str) -> Doc | None:
        row = self._conn.execute(
            "SELECT doc FROM view_items WHERE ns=? AND key=?", (self._ns(view), key)
        ).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, view: str, key: str, doc: Doc, *, group: str = "", rank: str = "") -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO view_items (ns, key, grp, rank, doc) VALUES (?,?,?,?,?)",
            (self._ns(view), key, group, rank, json.dumps(doc, ensure_ascii=False)),
        )

    def delete(self, view: str, key: str) -> None:
        self._conn.execute("DELETE FROM view_items WHERE ns=? AND key=?", (self._ns(view), key))

    def enqueue(
        self, message_id: str, kind: str, payload: Doc, *, not_before: datetime | None = None
    ) -> None:
        """A delayed message is an ordinary pending one whose first attempt is not
        due before `not_before`; the dispatcher's due() leaves it until then."""
        due = "" if not_before is None else rank_time(not_before)
        self._conn.execute(
            "INSERT OR IGNORE INTO outbox (id, kind, payload, next_attempt_at) VALUES (?,?,?,?)",
            (message_id, kind, json.dumps(payload, ensure_ascii=False), due),
        )


class SQLiteViewStore(TrackingRecorder):
    storage_errors: tuple[type[Exception], ...] = (sqlite3.Error, PersistenceError)

    def __init__(self, path: Path | str) -> None:
        self.db = SQLiteDatabase(path, SCHEMA)

    # -- tracking (the library's TrackingRecorder contract) ---------------------
    def insert_tracking(self, tracking: Tracking) -> None:
        with self.db.write() as conn:
            self._insert_tracking(conn, tracking)

    @staticmethod
    def _insert_tracking(conn: sqlite3.Connection, tracking: Tracking) -> None:
        row = conn.execute(
            "INSERT INTO tracking VALUES (?, ?) ON CONFLICT (application_name) DO UPDATE "
            "SET notification_id=excluded.notification_id "
            "WHERE tracking.notification_id < excluded.notification_id RETURNING notification_id",
            (tracking.application_name, tracking.notification_id),
        ).fetchone()
        if row is None:
            msg = f"{tracking.application_name} already processed {tracking.notification_id}"
            raise IntegrityError(msg)

    def max_tracking_id(self, application_name: str) -> int | None:
        row = (
            self.db.read()
            .execute(
                "SELECT notification_id FROM tracking WHERE application_name=?", (application_name,)
            )
            .fetchone()
        )
        return int(row[0]) if row else None

    # -- generations -------------------------------------------------------------
    def generation(self, projection: str) -> int:
        row = (
            self.db.read()
            .execute("SELECT generation FROM projection_generations WHERE name=?", (projection,))
            .fetchone()
        )
        return int(row[0]) if row else 1

    def position(self, projection: str, generation: int) -> int:
        return self.max_tracking_id(tracking_name(projection, generation)) or 0

    @contextmanager
    def writing(
        self, projection: str, generation: int, after: int, upto: int
    ) -> Iterator[SQLiteViewWriter]:
        """View writes that commit together with moving the tracking position
        from `after` to `upto`; if another runner moved it first, nothing commits."""
        name = tracking_name(projection, generation)
        with self.db.write() as conn:
            row = conn.execute(
                "SELECT notification_id FROM tracking WHERE application_name=?", (name,)
            ).fetchone()
            if (int(row[0]) if row else 0) != after:
                raise IntegrityError(f"{name} moved past {after} meanwhile")
            yield SQLiteViewWriter(conn, projection, generation)
            self._insert_tracking(conn, Tracking(name, upto))

    def discard(self, projection: str, generation: int) -> None:
        with self.db.write() as conn:
            self._drop(conn, projection, generation)

    @staticmethod
    def _drop(conn: sqlite3.Connection, projection: str, generation: int) -> None:
        prefix = namespace(projection, generation, "")
        conn.execute("DELETE FROM view_items WHERE substr(ns, 1, ?) = ?", (len(prefix), prefix))
        name = tracking_name(projection, generation)
        conn.execute("DELETE FROM tracking WHERE application_name=?", (name,))
        conn.execute("DELETE FROM projection_parks WHERE name=?", (name,))

    def switch(self, projection: str, generation: int) -> None:
        """Makes `generation` the one readers see and drops the one it replaces."""
        old = self.generation(projection)
        with self.db.write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO projection_generations VALUES (?, ?)",
                (projection, generation),
            )
            if old != generation:
                self._drop(conn, projection, old)

    # -- parks -------------------------------------------------------------------
    def park(self, park: Park) -> None:
        with self.db.write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO projection_parks VALUES (?, ?)",
                (tracking_name(park.projection, park.generation), json.dumps(park.doc())),
            )

    def parked(self, projection: str, generation: int) -> Park | None:
        row = (
            self.db.read()
            .execute(
                "SELECT park FROM projection_parks WHERE name=?",
                (tracking_name(projection, generation),),
            )
            .fetchone()
        )
        return Park(**json.loads(row[0])) if row else None

    def unpark(self, projection: str, generation: int) -> bool:
        with self.db.write() as conn:
            gone = conn.execute(
                "DELETE FROM projection_parks WHERE name=?",
                (tracking_name(projection, generation),),
            )
            return gone.rowcount > 0

    # -- reading -----------------------------------------------------------------
    def get(self, projection: str, view: str, key: str) -> Doc | None:
        ns = namespace(projection, self.generation(projection), view)
        row = (
            self.db.read()
            .execute("SELECT doc FROM view_items WHERE ns=? AND key=?", (ns, key))
            .fetchone()
        )
        return json.loads(row[0]) if row else None

    def query(
        self,
        projection: str,
        view: str,
        group: str,
        *,
        rank_upto: str | None = None,
        descending: bool = False,
        limit: int = 1000,
    ) -> list[Doc]:
        ns = namespace(projection, self.generation(projection), view)
        sql = "SELECT doc FROM view_items WHERE ns=? AND grp=?"
        params: list[Any] = [ns, group]
        if rank_upto is not None:
            sql += " AND rank <= ?"
            params.append(rank_upto)
        sql += f" ORDER BY rank {'DESC' if descending else 'ASC'}, key LIMIT ?"
        params.append(limit)
        return [json.loads(r[0]) for r in self.db.read().execute(sql, params).fetchall()]

    def dump(self, projection: str, generation: int | None = None) -> dict[str, Doc]:
        """Every item of a projection's generation, for comparisons and debugging."""
        gen = self.generation(projection) if generation is None else generation
        prefix = namespace(projection, gen, "")
        rows = self.db.read().execute(
            "SELECT ns, key, grp, rank, doc FROM view_items WHERE substr(ns, 1, ?) = ?",
            (len(prefix), prefix),
        )
        return {
            f"{r['ns'][len(prefix) :]}/{r['key']}": {
                "group": r["grp"],
                "rank": r["rank"],
                "doc": json.loads(r["doc"]),
            }
            for r in rows
        }
