"""Idempotency keys in a SQLite file of their own (embedded runtime), created
readable by its owner only. Expired keys are purged by the next claim."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from eventsourcing.persistence import OperationalError

from ..sqlite_db import SQLiteDatabase
from .types import Claim, KeyRecord, StoredAnswer

SCHEMA = """
CREATE TABLE IF NOT EXISTS idempotency_keys (
  scope TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, claim_id TEXT NOT NULL,
  lease_until REAL NOT NULL, expires_at REAL NOT NULL,
  answer_status INTEGER, answer_headers TEXT, answer_body TEXT) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idempotency_keys_by_expiry ON idempotency_keys (expires_at);
"""


@contextmanager
def _unavailable() -> Iterator[None]:
    try:
        yield
    except sqlite3.OperationalError as error:
        raise OperationalError(f"idempotency keys: {error}") from error


class SQLiteIdempotencyKeys:
    def __init__(self, path: Path | str) -> None:
        Path(path).touch(mode=0o600, exist_ok=True)
        self.db = SQLiteDatabase(path, SCHEMA)

    def claim(self, scope: str, claim: Claim) -> KeyRecord | None:
        now = claim.now.timestamp()
        with _unavailable(), self.db.write() as conn:
            conn.execute("DELETE FROM idempotency_keys WHERE expires_at <= ?", (now,))
            row = conn.execute(
                "SELECT * FROM idempotency_keys WHERE scope=?"
                " AND (answer_status IS NOT NULL OR lease_until > ?)",
                (scope, now),
            ).fetchone()
            if row is not None:
                return _record(row)
            conn.execute(
                "INSERT OR REPLACE INTO idempotency_keys"
                " (scope, fingerprint, claim_id, lease_until, expires_at) VALUES (?, ?, ?, ?, ?)",
                (
                    scope,
                    claim.fingerprint,
                    claim.claim_id,
                    claim.lease_until.timestamp(),
                    claim.expires_at.timestamp(),
                ),
            )
        return None

    def complete(self, scope: str, claim_id: str, answer: StoredAnswer) -> None:
        with _unavailable(), self.db.write() as conn:
            conn.execute(
                "UPDATE idempotency_keys SET answer_status=?, answer_headers=?, answer_body=?"
                " WHERE scope=? AND claim_id=?",
                (answer.status, json.dumps(answer.headers), answer.body, scope, claim_id),
            )

    def release(self, scope: str, claim_id: str) -> None:
        with _unavailable(), self.db.write() as conn:
            conn.execute(
                "DELETE FROM idempotency_keys WHERE scope=? AND claim_id=?", (scope, claim_id)
            )


def _record(row: sqlite3.Row) -> KeyRecord:
    if row["answer_status"] is None:
        return KeyRecord(row["fingerprint"], None)
    answer = StoredAnswer(
        int(row["answer_status"]), row["answer_body"], json.loads(row["answer_headers"])
    )
    return KeyRecord(row["fingerprint"], answer)
