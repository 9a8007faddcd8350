"""The indexer on real stream records from DynamoDB Local: idempotent under
redelivery, per-aggregate order, contiguous ids, pages and transactions that
stay within DynamoDB's limits, and partial-batch failures Lambda can resume."""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Sequence
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.persistence import IntegrityError, StoredEvent

from chalicelib.adapters.dynamodb.connection import Tables
from chalicelib.adapters.dynamodb.indexer import MAX_CHUNK_STREAMS, Indexer
from chalicelib.adapters.dynamodb.log import PAGE_BYTES, LogReader
from chalicelib.adapters.dynamodb.recorders import (
    DynamoDBAggregateRecorder,
    DynamoDBApplicationRecorder,
)
from local.engines import Engines

from .conftest import indexing_pump, log_items, stream_records

NO_FAILURES: dict[str, list[dict[str, str]]] = {"batchItemFailures": []}


def save(
    recorder: DynamoDBAggregateRecorder,
    aggregate: UUID | str,
    versions: Sequence[int],
    size: int = 8,
) -> None:
    recorder.insert_events(
        [StoredEvent(aggregate, v, f"topic{v}", bytes([v % 256]) * size) for v in versions]
    )


def all_notifications(ddb: Any, tables: Tables) -> list[Any]:
    return list(LogReader(ddb, tables.log).notifications(1, limit=1_000_000))


def pages(ddb: Any, tables: Tables) -> list[dict[str, Any]]:
    return [item for item in log_items(ddb, tables) if item["pk"]["S"] == "page"]


def test_a_batch_delivered_twice_yields_the_same_log(
    engines: Engines, ddb: Any, tables: Tables
) -> None:
    recorder = DynamoDBAggregateRecorder(ddb, tables)
    aggregates = [uuid4() for _ in range(5)]
    for first in (1, 4):
        for aggregate in aggregates:
            save(recorder, aggregate, range(first, first + 3))
    records = stream_records(engines, tables.events)
    assert len(records) == 30
    indexer = Indexer(ddb, tables)

    assert indexer.handle(records) == NO_FAILURES
    once = log_items(ddb, tables)
    assert indexer.handle(records) == NO_FAILURES
    assert indexer.handle(records[7:19]) == NO_FAILURES
    assert log_items(ddb, tables) == once

    save(recorder, aggregates[0], [7])
    again_and_more = stream_records(engines, tables.events)
    assert indexer.handle(again_and_more) == NO_FAILURES
    notifications = all_notifications(ddb, tables)
    assert [n.id for n in notifications] == list(range(1, 32))
    assert (notifications[-1].originator_id, notifications[-1].originator_version) == (
        aggregates[0],
        7,
    )
    assert len({(n.originator_id, n.originator_version) for n in notifications}) == 31


def test_per_aggregate_order_holds_for_many_aggregates_written_by_concurrent_threads(
    engines: Engines, ddb: Any, tables: Tables
) -> None:
    recorder = DynamoDBApplicationRecorder(ddb, tables)
    aggregates = [uuid4() for _ in range(12)]
    pump = indexing_pump(engines, tables, batch_size=7)
    pump.start(interval_s=0.01)
    committed: list[tuple[UUID, int]] = []
    lock = threading.Lock()

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(25):
            aggregate = rng.choice(aggregates)
            while True:
                last = recorder.select_events(aggregate, desc=True, limit=1)
                start = last[0].originator_version + 1 if last else 1
                versions = range(start, start + rng.randint(1, 3))
                try:
                    save(recorder, aggregate, versions)
                except IntegrityError:
                    continue
                with lock:
                    committed.extend((aggregate, v) for v in versions)
                break

    threads = [threading.Thread(target=writer, args=(seed,)) for seed in range(6)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        pump.settle(timeout_s=60)
    finally:
        pump.stop()

    notifications = all_notifications(ddb, tables)
    assert [n.id for n in notifications] == list(range(1, len(committed) + 1))
    assert sorted((str(n.originator_id), n.originator_version) for n in notifications) == sorted(
        (str(a), v) for a, v in committed
    )
    for aggregate in aggregates:
        versions = [n.originator_version for n in notifications if n.originator_id == aggregate]
        assert versions == list(range(1, len(versions) + 1))
    assert recorder.max_notification_id() == len(committed)


def test_ids_are_contiguous_from_1_across_pages(engines: Engines, ddb: Any, tables: Tables) -> None:
    recorder = DynamoDBAggregateRecorder(ddb, tables)
    indexer = Indexer(ddb, tables)
    for _ in range(4):
        save(recorder, uuid4(), range(1, 6))
        records = stream_records(engines, tables.events)
        assert indexer.handle(records) == NO_FAILURES

    log_pages = pages(ddb, tables)
    assert [int(p["sk"]["N"]) for p in log_pages] == [1, 6, 11, 16]
    for page, following in itertools.pairwise(log_pages):
        assert int(page["last"]["N"]) + 1 == int(following["sk"]["N"])
    assert [n.id for n in all_notifications(ddb, tables)] == list(range(1, 21))
    head = next(i for i in log_items(ddb, tables) if i["pk"]["S"] == "head")
    assert head["next"]["N"] == "21"


def test_pages_split_when_large(engines: Engines, ddb: Any, tables: Tables) -> None:
    recorder = DynamoDBAggregateRecorder(ddb, tables)
    aggregate = uuid4()
    save(recorder, aggregate, range(1, 21), size=60_000)  # 1.2 MB in one save
    save(recorder, aggregate, [21], size=350_000)  # bigger than a page's budget alone

    assert Indexer(ddb, tables).handle(stream_records(engines, tables.events)) == NO_FAILURES

    log_pages = pages(ddb, tables)
    counts = [len(p["events"]["L"]) for p in log_pages]
    assert sum(counts) == 21
    assert counts[-1] == 1 and len(counts) >= 6
    for page in log_pages[:-1]:
        assert sum(len(e["M"]["d"]["B"]) for e in page["events"]["L"]) <= PAGE_BYTES
    notifications = all_notifications(ddb, tables)
    assert [n.originator_version for n in notifications] == list(range(1, 22))
    assert len(notifications[-1].state) == 350_000


def test_a_chunk_larger_than_the_transaction_cap_is_split(
    engines: Engines, ddb: Any, tables: Tables
) -> None:
    recorder = DynamoDBAggregateRecorder(ddb, tables)
    for _ in range(250):  # 250 streams: 250 cursors cannot move in one transaction
        save(recorder, uuid4(), [1])
    big = uuid4()
    for first in (1, 11, 21, 31):  # 4 MB of events: more than one transaction carries
        save(recorder, big, range(first, first + 10), size=100_000)
    records = stream_records(engines, tables.events)
    assert len(records) == 290

    assert Indexer(ddb, tables).handle(records) == NO_FAILURES

    notifications = all_notifications(ddb, tables)
    assert [n.id for n in notifications] == list(range(1, 291))
    assert [n.originator_version for n in notifications if n.originator_id == big] == list(
        range(1, 41)
    )
    for page in pages(ddb, tables):
        assert len({e["M"]["s"]["S"] for e in page["events"]["L"]}) <= MAX_CHUNK_STREAMS
    cursors = [i for i in log_items(ddb, tables) if i["pk"]["S"].startswith("cursor#")]
    assert len(cursors) == 251


def test_indexers_racing_for_the_head_retry_and_leave_no_gap(
    engines: Engines, ddb: Any, tables: Tables
) -> None:
    """Lambda runs one indexer per shard at once; they contend for the head."""
    recorder = DynamoDBAggregateRecorder(ddb, tables)
    for _ in range(4):
        save(recorder, uuid4(), range(1, 4))
    records = stream_records(engines, tables.events)
    batches = [records[i : i + 3] for i in range(0, len(records), 3)]
    results: list[dict[str, Any]] = []
    start = threading.Barrier(len(batches))

    def run(batch: list[dict[str, Any]]) -> None:
        indexer = Indexer(ddb, tables, max_attempts=20)
        start.wait()
        results.append(dict(indexer.handle(batch)))

    threads = [threading.Thread(target=run, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [NO_FAILURES] * len(batches)
    notifications = all_notifications(ddb, tables)
    assert [n.id for n in notifications] == list(range(1, 13))
    for aggregate in {n.originator_id for n in notifications}:
        versions = [n.originator_version for n in notifications if n.originator_id == aggregate]
        assert versions == [1, 2, 3]


def test_a_failed_chunk_is_reported_so_lambda_resumes_from_it(
    engines: Engines, ddb: Any, tables: Tables
) -> None:
    recorder = DynamoDBAggregateRecorder(ddb, tables)
    for _ in range(MAX_CHUNK_STREAMS + 2):
        save(recorder, uuid4(), [1])
    records = stream_records(engines, tables.events)
    # A stray page where the second chunk's page must go: its put is refused.
    stray = {"pk": {"S": "page"}, "sk": {"N": str(MAX_CHUNK_STREAMS + 1)}}
    ddb.put_item(TableName=tables.log, Item={**stray, "last": {"N": "0"}, "events": {"L": []}})
    indexer = Indexer(ddb, tables, max_attempts=2)

    failed_at = records[MAX_CHUNK_STREAMS]["dynamodb"]["SequenceNumber"]
    assert indexer.handle(records) == {"batchItemFailures": [{"itemIdentifier": failed_at}]}
    assert indexer.handle(records) == {"batchItemFailures": [{"itemIdentifier": failed_at}]}
    assert LogReader(ddb, tables.log).max_id() == MAX_CHUNK_STREAMS

    ddb.delete_item(TableName=tables.log, Key=stray)
    assert indexer.handle(records[MAX_CHUNK_STREAMS:]) == NO_FAILURES
    assert [n.id for n in all_notifications(ddb, tables)] == list(range(1, MAX_CHUNK_STREAMS + 3))


def test_only_inserts_of_the_events_table_are_indexed(
    engines: Engines, ddb: Any, tables: Tables
) -> None:
    save(DynamoDBAggregateRecorder(ddb, tables), "text-id", [1, 2])
    records = stream_records(engines, tables.events)
    modify = {**records[0], "eventName": "MODIFY"}
    elsewhere = {
        **records[1],
        "eventSourceARN": records[1]["eventSourceARN"].replace("-events", "-x"),
    }

    assert Indexer(ddb, tables).handle([modify, elsewhere]) == NO_FAILURES
    assert LogReader(ddb, tables.log).max_id() is None
    assert Indexer(ddb, tables).handle(records) == NO_FAILURES
    notifications = all_notifications(ddb, tables)
    assert [(n.originator_id, n.originator_version) for n in notifications] == [
        ("text-id", 1),
        ("text-id", 2),
    ]


def test_records_out_of_order_still_give_each_aggregate_version_order(
    engines: Engines, ddb: Any, tables: Tables
) -> None:
    """Streams promise order per item only; a save's items may come in any order,
    or a later one first. Nothing may be left behind a cursor."""
    recorder = DynamoDBAggregateRecorder(ddb, tables)
    a, b = uuid4(), uuid4()
    save(recorder, a, range(1, 5))
    save(recorder, b, [1, 2])
    records = stream_records(engines, tables.events)
    _, _, a3, a4, _, b2 = records
    indexer = Indexer(ddb, tables)

    assert indexer.handle([a3, b2, a4]) == NO_FAILURES
    order = [(n.originator_id, n.originator_version) for n in all_notifications(ddb, tables)]
    assert order == [(a, 1), (a, 2), (a, 3), (b, 1), (b, 2), (a, 4)]

    assert indexer.handle(list(reversed(records))) == NO_FAILURES
    assert len(all_notifications(ddb, tables)) == 6

    save(recorder, a, range(5, 8))
    a5, a6, a7 = stream_records(engines, tables.events)[6:]
    assert indexer.handle([a7, a6, a5]) == NO_FAILURES
    versions = [n.originator_version for n in all_notifications(ddb, tables)[6:]]
    assert versions == [5, 6, 7]


def test_new_streams_that_start_at_their_first_version_need_no_read(
    engines: Engines, ddb: Any, tables: Tables
) -> None:
    """Most streams a batch brings are new (each order is one): when their
    records start at version 1 and follow on, nothing can be missing, so the
    indexer reads no events back; a new stream that starts later still is."""
    recorder = DynamoDBAggregateRecorder(ddb, tables)
    fresh = [uuid4() for _ in range(5)]
    for aggregate in fresh:
        save(recorder, aggregate, [1, 2])
    late = uuid4()
    save(recorder, late, [1, 2, 3])
    records = stream_records(engines, tables.events)
    queries: list[str] = []

    def count(**kwargs: Any) -> None:
        queries.append(kwargs["event_name"])

    ddb.meta.events.register("before-call.dynamodb.Query", count)
    try:
        assert Indexer(ddb, tables).handle(records[:10]) == NO_FAILURES
        assert queries == []
        assert Indexer(ddb, tables).handle(records[11:]) == NO_FAILURES
        assert len(queries) == 1
    finally:
        ddb.meta.events.unregister("before-call.dynamodb.Query", count)
    order = [(n.originator_id, n.originator_version) for n in all_notifications(ddb, tables)]
    assert order == [(a, v) for a in fresh for v in (1, 2)] + [(late, 1), (late, 2), (late, 3)]
