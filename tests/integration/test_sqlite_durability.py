"""What survives a power cut on the embedded runtime: the event store, the PII
keys and the idempotency answers commit with synchronous=FULL; the read models,
which rebuild from the events, with NORMAL."""

from __future__ import annotations

import sqlite3

from eventsourcing.sqlite import SQLiteApplicationRecorder

from chalicelib.adapters.idempotency.sqlite_keys import SQLiteIdempotencyKeys
from chalicelib.adapters.pii.sqlite_keys import SQLiteKeyStore
from chalicelib.bootstrap import Container
from chalicelib.runtimes import Embedded

FULL, NORMAL = 2, 1


def synchronous(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA synchronous").fetchone()[0])


def test_only_the_read_models_relax_synchronous(container: Container) -> None:
    runtime = container.runtime
    assert isinstance(runtime, Embedded)
    recorder = container.store.recorder
    assert isinstance(recorder, SQLiteApplicationRecorder)
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute("PRAGMA synchronous")
        assert int(cursor.fetchone()[0]) == FULL
    keys, answers = runtime.keys, runtime.idempotency_keys
    assert isinstance(keys, SQLiteKeyStore) and isinstance(answers, SQLiteIdempotencyKeys)
    assert synchronous(keys.db.connection()) == FULL
    assert synchronous(answers.db.connection()) == FULL
    assert synchronous(runtime.sqlite_views.db.connection()) == NORMAL
