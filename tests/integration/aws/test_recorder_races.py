"""Writers racing on DynamoDB Local with real threads: a conflicting save is
refused whole, never lost and never half-written."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any
from uuid import uuid4

from eventsourcing.persistence import IntegrityError, StoredEvent, Tracking

from chalicelib.adapters.dynamodb.connection import Tables
from chalicelib.adapters.dynamodb.indexer import Indexer
from chalicelib.adapters.dynamodb.log import LogReader
from chalicelib.adapters.dynamodb.recorders import DynamoDBProcessRecorder
from local.engines import Engines

from .conftest import stream_records

ROUNDS = 40


def race(writers: list[Callable[[], object]]) -> list[str]:
    """Starts the writers at once; returns each one's outcome."""
    start = threading.Barrier(len(writers))
    outcomes = [""] * len(writers)

    def run(index: int) -> None:
        start.wait()
        try:
            writers[index]()
            outcomes[index] = "committed"
        except IntegrityError:
            outcomes[index] = "refused"

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(writers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_writers_on_one_aggregate_one_commits_and_nothing_is_lost(
    engines: Engines, ddb: Any, tables: Tables
) -> None:
    recorder = DynamoDBProcessRecorder(ddb, tables)
    aggregate = uuid4()
    winners: list[bytes] = []
    for round_ in range(ROUNDS):
        version = 2 * round_ + 1
        saves = {
            writer: [
                StoredEvent(aggregate, v, "topic", f"{writer}:{v}".encode())
                for v in (version, version + 1)
            ]
            for writer in ("a", "b")
        }
        outcomes = race([partial(recorder.insert_events, saves[w]) for w in saves])
        assert sorted(outcomes) == ["committed", "refused"]
        winner = "ab"[outcomes.index("committed")]
        winners.extend(e.state for e in saves[winner])

    stored = recorder.select_events(aggregate)
    assert [e.originator_version for e in stored] == list(range(1, 2 * ROUNDS + 1))
    assert [e.state for e in stored] == winners  # both events of a save are one writer's

    assert Indexer(ddb, tables).handle(stream_records(engines, tables.events)) == {
        "batchItemFailures": []
    }
    log = LogReader(ddb, tables.log).notifications(1, limit=10 * ROUNDS)
    assert [(n.originator_version, n.state) for n in log] == [
        (e.originator_version, e.state) for e in stored
    ]


def test_two_processes_with_the_same_position_one_commits_its_events(
    ddb: Any, tables: Tables
) -> None:
    recorder = DynamoDBProcessRecorder(ddb, tables)
    for position in range(1, ROUNDS + 1):
        saves = {w: StoredEvent(uuid4(), 1, "topic", w.encode()) for w in ("a", "b")}
        tracking = Tracking("upstream", position)
        outcomes = race(
            [partial(recorder.insert_events, [saves[w]], tracking=tracking) for w in saves]
        )
        assert sorted(outcomes) == ["committed", "refused"]
        for writer, outcome in zip("ab", outcomes, strict=True):
            events = recorder.select_events(saves[writer].originator_id)
            assert len(events) == (1 if outcome == "committed" else 0)
    assert recorder.max_tracking_id("upstream") == ROUNDS


def test_many_writers_on_one_aggregate_are_committed_or_refused_never_an_outage(
    ddb: Any, tables: Tables
) -> None:
    """DynamoDB cancels transactions that touch items another one holds; when
    that persists it is a lost race (IntegrityError, so the use case reloads
    and decides again), never an OperationalError that would reach a buyer."""
    recorder = DynamoDBProcessRecorder(ddb, tables)
    for _ in range(ROUNDS // 4):
        aggregate = uuid4()
        saves = [[StoredEvent(aggregate, 1, "topic", f"{w}".encode())] for w in range(16)]
        outcomes = race([partial(recorder.insert_events, save) for save in saves])
        assert sorted(outcomes) == ["committed"] + ["refused"] * 15
