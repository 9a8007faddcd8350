"""DynamoDB's TTL deletes idempotency keys by its own wall clock: an item is
never marked for deletion before the injected clock's expiry, nor before a day
of wall time, whatever the injected clock says (a test's FixedClock in the past
must not let TTL drop a key mid-test)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.adapters.dynamodb.connection import Tables
from chalicelib.adapters.idempotency import Claim, DynamoDBIdempotencyKeys
from chalicelib.api.keyed_commands import KEEP, LEASE

WALL = datetime(2027, 3, 1, tzinfo=UTC)


def stored(ddb: Any, tables: Tables, scope: str) -> dict[str, int]:
    item = ddb.get_item(TableName=tables.idempotency, Key={"pk": {"S": scope}})["Item"]
    return {name: int(float(item[name]["N"])) for name in ("expires_at", "purge_at")}


def claim_at(keys: DynamoDBIdempotencyKeys, scope: str, now: datetime) -> None:
    assert keys.claim(scope, Claim("c", "f", now, now + LEASE, now + KEEP)) is None


def test_ttl_never_purges_a_key_before_it_expires_by_either_clock(ddb: Any, tables: Tables) -> None:
    keys = DynamoDBIdempotencyKeys(ddb, tables.idempotency, wall_time=WALL.timestamp)
    day = int(KEEP.total_seconds())

    claim_at(keys, "m/past", WALL - timedelta(days=30))
    past = stored(ddb, tables, "m/past")
    assert past["expires_at"] == int((WALL - timedelta(days=29)).timestamp())
    assert past["purge_at"] == int(WALL.timestamp()) + day

    claim_at(keys, "m/future", WALL + timedelta(days=30))
    future = stored(ddb, tables, "m/future")
    assert future["purge_at"] == future["expires_at"] == int(WALL.timestamp()) + 31 * day
