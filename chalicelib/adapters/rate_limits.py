"""Fixed-window rate limits shared by every process of a runtime: how many
units a key may spend per window (windows start at multiples of the window's
length since the epoch, by the injected clock).

`take` (the RateLimits port, application/ports.py) spends the units only
when they all fit, atomically, and otherwise says how long until the window
ends (nothing spent). Embedded: a table in the
behaviour log's SQLite file. AWS: `rate#<key>#<window>` items of the
`<prefix>-idempotency` table (short-lived request bookkeeping with a TTL),
counted with one conditional UpdateItem."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any

from .sqlite_db import SQLiteDatabase


def _window(now: datetime, window_s: int) -> tuple[int, int]:
    """The window's number and the whole seconds left in it (at least 1)."""
    epoch = now.timestamp()
    number = int(epoch // window_s)
    return number, max(1, int((number + 1) * window_s - epoch + 0.999))


SCHEMA = """
CREATE TABLE IF NOT EXISTS rate_windows (
    key TEXT NOT NULL,
    slot INTEGER NOT NULL,
    used INTEGER NOT NULL,
    PRIMARY KEY (key, slot)
);
CREATE INDEX IF NOT EXISTS rate_windows_by_window ON rate_windows (slot);
"""


class SQLiteRateLimits:
    def __init__(self, path: Path) -> None:
        self.db = SQLiteDatabase(path, SCHEMA, synchronous="NORMAL")

    def take(self, key: str, units: int, limit: int, window_s: int, now: datetime) -> int | None:
        number, left = _window(now, window_s)
        with self.db.write() as conn:
            row = conn.execute(
                "SELECT used FROM rate_windows WHERE key = ? AND slot = ?", (key, number)
            ).fetchone()
            used = int(row["used"]) if row else 0
            if used + units > limit:
                return left
            conn.execute(
                "INSERT INTO rate_windows (key, slot, used) VALUES (?, ?, ?) "
                "ON CONFLICT (key, slot) DO UPDATE SET used = used + excluded.used",
                (key, number, units),
            )
            conn.execute("DELETE FROM rate_windows WHERE slot < ?", (number,))
        return None


class DynamoDBRateLimits:
    def __init__(self, ddb: Any, table: str) -> None:
        self.ddb = ddb
        self.table = table

    def take(self, key: str, units: int, limit: int, window_s: int, now: datetime) -> int | None:
        number, left = _window(now, window_s)
        if units > limit:
            return left
        # The TTL attribute is in wall-clock seconds (DynamoDB deletes by them),
        # never before the window ends by the injected clock.
        purge_at = int(max(time.time(), now.timestamp())) + 2 * window_s
        try:
            self.ddb.update_item(
                TableName=self.table,
                Key={"pk": {"S": f"rate#{key}#{number}"}},
                UpdateExpression="SET used = if_not_exists(used, :zero) + :units, purge_at = :p",
                ConditionExpression="attribute_not_exists(pk) OR used <= :room",
                ExpressionAttributeValues={
                    ":zero": {"N": "0"},
                    ":units": {"N": str(units)},
                    ":room": {"N": str(limit - units)},
                    ":p": {"N": str(purge_at)},
                },
            )
        except self.ddb.exceptions.ConditionalCheckFailedException:
            return left
        return None
