"""Read models in SQLite: view items, projection tracking and the outbox
share one file, so a projection's view writes, its outbox intents and its
tracking position commit in one transaction (exactly-once in effect), and the
batches of several projections in one transaction too (one part each). A
projection's generation that failed on an event has a row in
`projection_parks` until an operator resumes it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from eventsourcing.persistence import PersistenceError, Tracking, TrackingRecorder

from ..projections.base import Doc, Park, rank_time
from .sqlite_db import SQLiteDatabase
from .sqlite_view_writes import SQLiteViewTransaction, move_tracking, namespace, tracking_name

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


GET_MANY = 500
"""Keys one `get_many` statement asks for (SQLite binds at most 32,766 values)."""


class SQLiteViewStore(TrackingRecorder):
    storage_errors: tuple[type[Exception], ...] = (sqlite3.Error, PersistenceError)

    def __init__(self, path: Path | str, now: Callable[[], datetime]) -> None:
        self.db = SQLiteDatabase(path, SCHEMA, synchronous="NORMAL")  # rebuildable
        self.now = now  # the clock an outbox message's `created_at` is read from

    # -- tracking (the library's TrackingRecorder contract) ---------------------
    def insert_tracking(self, tracking: Tracking) -> None:
        with self.db.write() as conn:
            move_tracking(conn, tracking)

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

    def generations(self, projections: Sequence[str]) -> dict[str, int]:
        rows = self.db.read().execute("SELECT name, generation FROM projection_generations")
        switched = {str(name): int(generation) for name, generation in rows}
        return {projection: switched.get(projection, 1) for projection in projections}

    def standing(self, generations: Mapping[str, int]) -> dict[str, int | None]:
        names = {tracking_name(p, g): p for p, g in generations.items()}
        marks = ",".join("?" * len(names))  # placeholders only: the names are bound
        conn = self.db.read()
        positions = dict(
            conn.execute(
                f"SELECT application_name, notification_id FROM tracking "
                f"WHERE application_name IN ({marks})",
                list(names),
            )
        )
        parked = {
            row[0]
            for row in conn.execute(
                f"SELECT name FROM projection_parks WHERE name IN ({marks})",
                list(names),
            )
        }
        return {
            projection: None if name in parked else int(positions.get(name, 0))
            for name, projection in names.items()
        }

    @contextmanager
    def transaction(self) -> Iterator[SQLiteViewTransaction]:
        """One BEGIN IMMEDIATE ... COMMIT for every part's writes and position moves."""
        with self.db.write() as conn:
            yield SQLiteViewTransaction(conn, lambda: rank_time(self.now()))

    def discard(self, projection: str, generation: int) -> None:
        with self.db.write() as conn:
            self._drop(conn, projection, generation)

    @staticmethod
    def _drop(conn: sqlite3.Connection, projection: str, generation: int) -> None:
        prefix = namespace(projection, generation, "")
        # every namespace that starts with "name@generation/" sorts below "name@generation0"
        conn.execute("DELETE FROM view_items WHERE ns >= ? AND ns < ?", (prefix, prefix[:-1] + "0"))
        name = tracking_name(projection, generation)
        conn.execute("DELETE FROM tracking WHERE application_name=?", (name,))
        conn.execute("DELETE FROM projection_parks WHERE name=?", (name,))

    def switch(self, generations: dict[str, int]) -> None:
        """Makes each given generation the one readers see, all in one
        transaction, and drops the generations they replace."""
        with self.db.write() as conn:
            for projection, generation in generations.items():
                row = conn.execute(
                    "SELECT generation FROM projection_generations WHERE name=?", (projection,)
                ).fetchone()
                old = int(row[0]) if row else 1
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

    def query_after(
        self, projection: str, view: str, group: str, *, after: str | None, limit: int
    ) -> list[Doc]:
        ns = namespace(projection, self.generation(projection), view)
        above = "" if after is None else " AND rank > ?"
        params = [ns, group] if after is None else [ns, group, after]
        rows = self.db.read().execute(
            f"SELECT doc FROM view_items WHERE ns=? AND grp=?{above} ORDER BY rank, key LIMIT ?",
            [*params, limit],
        )
        return [json.loads(r[0]) for r in rows.fetchall()]

    def get_many(self, projection: str, view: str, keys: Sequence[str]) -> dict[str, Doc]:
        ns = namespace(projection, self.generation(projection), view)
        found: dict[str, Doc] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), GET_MANY):
            chunk = unique[start : start + GET_MANY]
            marks = ",".join("?" * len(chunk))  # placeholders only: the keys are bound
            rows = self.db.read().execute(
                f"SELECT key, doc FROM view_items WHERE ns=? AND key IN ({marks})", [ns, *chunk]
            )
            found.update((str(key), json.loads(doc)) for key, doc in rows.fetchall())
        return found

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
