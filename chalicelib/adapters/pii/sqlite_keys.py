"""Members' keys in a SQLite file of their own (embedded runtime).

Deleting a key overwrites it in the file (secure_delete) and then empties the
write-ahead log when no reader holds it, so a shredded key does not linger in
free pages or old log frames. The file is created readable by its owner only."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from ..sqlite_db import SQLiteDatabase

SCHEMA = """
CREATE TABLE IF NOT EXISTS member_keys (
  member_id TEXT PRIMARY KEY, key BLOB NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))) WITHOUT ROWID;
"""


class SQLiteKeyStore:
    def __init__(self, path: Path | str) -> None:
        Path(path).touch(mode=0o600, exist_ok=True)
        self.db = SQLiteDatabase(path, SCHEMA)

    def get(self, member_id: UUID) -> bytes | None:
        row = (
            self.db.read()
            .execute("SELECT key FROM member_keys WHERE member_id=?", (str(member_id),))
            .fetchone()
        )
        return bytes(row[0]) if row else None

    def put_if_absent(self, member_id: UUID, key: bytes) -> bytes:
        with self.db.write() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO member_keys (member_id, key) VALUES (?, ?)",
                (str(member_id), key),
            )
            row = conn.execute(
                "SELECT key FROM member_keys WHERE member_id=?", (str(member_id),)
            ).fetchone()
        return bytes(row[0])

    def delete(self, member_id: UUID) -> None:
        self.db.connection().execute("PRAGMA secure_delete=ON")
        with self.db.write() as conn:
            conn.execute("DELETE FROM member_keys WHERE member_id=?", (str(member_id),))
        self.db.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
