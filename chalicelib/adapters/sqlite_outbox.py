"""The outbox on SQLite: intents written by projections, claimed and marked by
the dispatcher. A claim is a lease, so a crashed sender's message is retried."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from ..projections.base import Doc, rank_time
from .outbox_dispatch import OutboxMessage
from .sqlite_views import SQLiteViewStore


class SQLiteOutbox:
    def __init__(self, store: SQLiteViewStore) -> None:
        self.db = store.db

    def get(self, message_id: str) -> OutboxMessage | None:
        row = (
            self.db.read()
            .execute(
                "SELECT id, kind, payload, attempts FROM outbox "
                "WHERE id=? AND status IN ('pending','sending')",
                (message_id,),
            )
            .fetchone()
        )
        if row is None:
            return None
        return OutboxMessage(row["id"], row["kind"], json.loads(row["payload"]), row["attempts"])

    def due(self, now: datetime, limit: int = 50) -> list[OutboxMessage]:
        rows = self.db.read().execute(
            "SELECT id, kind, payload, attempts FROM outbox WHERE "
            "(status='pending' OR status='sending') AND next_attempt_at <= ? "
            "ORDER BY created_at LIMIT ?",
            (rank_time(now), limit),
        )
        return [
            OutboxMessage(r["id"], r["kind"], json.loads(r["payload"]), r["attempts"]) for r in rows
        ]

    def claim(self, message_id: str, now: datetime, lease: timedelta) -> bool:
        with self.db.write() as conn:
            cur = conn.execute(
                "UPDATE outbox SET status='sending', attempts=attempts+1, next_attempt_at=? "
                "WHERE id=? AND status IN ('pending','sending') AND next_attempt_at <= ?",
                (rank_time(now + lease), message_id, rank_time(now)),
            )
            return cur.rowcount == 1

    def mark_sent(self, message_id: str, now: datetime) -> None:
        with self.db.write() as conn:
            conn.execute(
                "UPDATE outbox SET status='sent', sent_at=?, last_error='' WHERE id=?",
                (rank_time(now), message_id),
            )

    def mark_retry(self, message_id: str, error: str, at: datetime) -> None:
        with self.db.write() as conn:
            conn.execute(
                "UPDATE outbox SET status='pending', last_error=?, next_attempt_at=? WHERE id=?",
                (error, rank_time(at), message_id),
            )

    def mark_failed(self, message_id: str, error: str) -> None:
        with self.db.write() as conn:
            conn.execute(
                "UPDATE outbox SET status='failed', last_error=? WHERE id=?", (error, message_id)
            )

    def messages(self, status: str | None = None, limit: int = 200) -> list[Doc]:
        sql = "SELECT * FROM outbox"
        params: list[object] = []
        if status:
            sql += " WHERE status=?"
            params.append(status)
        sql += " ORDER BY created_at DESC LIMIT ?"
        params.append(limit)
        rows = self.db.read().execute(sql, params).fetchall()
        return [dict(dict(r), payload=json.loads(r["payload"])) for r in rows]
