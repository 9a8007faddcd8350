"""The eventsourcing library's own recorder test cases, run on DynamoDB Local.

The application recorder's contract expects `insert_events` to return the
notification ids of what it saved ([1, 2], then [3]). Ours returns None in
production: DynamoDB has no sequence, and ids are assigned afterwards by the
indexer Lambda reading the events table's stream. So the application recorder
under test is ours plus one step: after the save, it pumps DynamoDB Local's
real stream of the events table into the real Indexer (the same delivery
semantics Lambda gives, see local/stream_pump.py) and returns the ids the
indexer gave those very events, read back from the log pages. Every assertion
of the contract (ids, order, non-interleaving, reads) is thus checked against
what the asynchronous indexing actually produced; nothing is faked."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    ProcessRecorder,
    ProgrammingError,
    StoredEvent,
    TrackingRecorder,
)
from eventsourcing.tests.persistence import (
    AggregateRecorderTestCase,
    ApplicationRecorderTestCase,
    InfrastructureFactoryTestCase,
    NonInterleavingNotificationIDsBaseCase,
    ProcessRecorderTestCase,
    TrackingRecorderTestCase,
)
from eventsourcing.utils import Environment

from chalicelib.adapters.dynamodb.connection import Tables
from chalicelib.adapters.dynamodb.factory import DynamoDBFactory
from chalicelib.adapters.dynamodb.recorders import (
    DynamoDBAggregateRecorder,
    DynamoDBApplicationRecorder,
    DynamoDBProcessRecorder,
    DynamoDBTrackingRecorder,
)
from local.engines import REGION, Engines
from local.stream_pump import StreamPump

from .conftest import dynamodb, indexing_pump


class IndexedApplicationRecorder(DynamoDBApplicationRecorder):
    """Saves, then lets the real indexer index the save; returns its ids."""

    def __init__(self, ddb: Any, tables: Tables, pump: StreamPump, timeout_s: float = 60) -> None:
        super().__init__(ddb, tables)
        self.pump = pump
        self.timeout_s = timeout_s

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        # Our events can only be indexed after they commit, hence after `before`.
        before = self.max_notification_id() or 0
        super().insert_events(stored_events, **kwargs)
        if not stored_events:
            return None
        return self.indexed_ids(stored_events, after=before)

    def indexed_ids(self, events: Sequence[StoredEvent], after: int) -> list[int]:
        wanted = [(str(e.originator_id), e.originator_version) for e in events]
        found: dict[tuple[str, int], int] = {}
        scanned = after
        deadline = time.monotonic() + self.timeout_s
        while True:
            self.pump.poll()
            for n in self.log.notifications(scanned + 1, limit=10_000):
                found[(str(n.originator_id), n.originator_version)] = n.id
                scanned = n.id
            if all(key in found for key in wanted):
                return [found[key] for key in wanted]
            if time.monotonic() > deadline:
                raise TimeoutError(f"events not indexed within {self.timeout_s}s")


class OnDynamoDBLocal:
    """Fresh tables for each test; the cases below build their recorders on them."""

    engines: Engines
    tables: Tables
    ddb: Any

    @pytest.fixture(autouse=True)
    def _on_dynamodb_local(self, engines: Engines, tables: Tables) -> None:
        self.engines = engines
        self.tables = tables
        self.ddb = dynamodb(engines)


class TestAggregateRecorder(OnDynamoDBLocal, AggregateRecorderTestCase):
    def create_recorder(self) -> AggregateRecorder:
        return DynamoDBAggregateRecorder(self.ddb, self.tables)

    def test_a_save_over_one_transaction_is_refused_whole(self) -> None:
        recorder = self.create_recorder()
        originator_id = self.new_originator_id()
        events = [StoredEvent(originator_id, v, "topic", b"") for v in range(1, 102)]
        with pytest.raises(ProgrammingError, match="at most 100"):
            recorder.insert_events(events)
        assert recorder.select_events(originator_id) == []


class TestSnapshotRecorder(OnDynamoDBLocal, AggregateRecorderTestCase):
    def create_recorder(self) -> AggregateRecorder:
        return DynamoDBAggregateRecorder(self.ddb, self.tables, purpose="snapshots")


class TestAggregateRecorderWithTextIds(TestAggregateRecorder):
    def new_originator_id(self) -> UUID | str:
        return f"order-{time.monotonic_ns()}"


class TestApplicationRecorder(OnDynamoDBLocal, ApplicationRecorderTestCase[ApplicationRecorder]):
    def create_recorder(self) -> ApplicationRecorder:
        return IndexedApplicationRecorder(
            self.ddb, self.tables, indexing_pump(self.engines, self.tables)
        )

    def test_insert_subscribe(self) -> None:
        self.optional_test_insert_subscribe()


class TestNonInterleavingNotificationIDs(OnDynamoDBLocal, NonInterleavingNotificationIDsBaseCase):
    # The library saves 1000 events at once; one DynamoDB transaction holds at
    # most 100 items, and a bigger save is refused (ProgrammingError) rather
    # than split, since split it would no longer be atomic.
    insert_num = 99

    def create_recorder(self) -> ApplicationRecorder:
        return IndexedApplicationRecorder(
            self.ddb, self.tables, indexing_pump(self.engines, self.tables)
        )


class TestTrackingRecorder(OnDynamoDBLocal, TrackingRecorderTestCase):
    def create_recorder(self) -> TrackingRecorder:
        return DynamoDBTrackingRecorder(self.ddb, self.tables)


class TestProcessRecorder(OnDynamoDBLocal, ProcessRecorderTestCase):
    def create_recorder(self) -> ProcessRecorder:
        return DynamoDBProcessRecorder(self.ddb, self.tables)


class Counter(Aggregate):
    def __init__(self) -> None:
        self.count = 0

    @event("Incremented")
    def increment(self) -> None:
        self.count += 1


class CustomTrackingRecorder(DynamoDBTrackingRecorder):
    """A subclass the factory must construct when asked to."""


class TestFactory(OnDynamoDBLocal, InfrastructureFactoryTestCase[DynamoDBFactory]):
    def setUp(self) -> None:
        self.env = Environment(
            env={
                "PERSISTENCE_MODULE": "chalicelib.adapters.dynamodb.factory",
                "DYNAMODB_TABLE_PREFIX": self.tables.prefix,
                "DYNAMODB_ENDPOINT_URL": self.engines.dynamodb_url,
                "AWS_REGION": REGION,
            }
        )
        super().setUp()

    def expected_factory_class(self) -> type[DynamoDBFactory]:
        return DynamoDBFactory

    def expected_aggregate_recorder_class(self) -> type[AggregateRecorder]:
        return DynamoDBAggregateRecorder

    def expected_application_recorder_class(self) -> type[ApplicationRecorder]:
        return DynamoDBApplicationRecorder

    def expected_tracking_recorder_class(self) -> type[TrackingRecorder]:
        return DynamoDBTrackingRecorder

    def tracking_recorder_subclass(self) -> type[TrackingRecorder]:
        return CustomTrackingRecorder

    def expected_process_recorder_class(self) -> type[ProcessRecorder]:
        return DynamoDBProcessRecorder

    def test_factory_needs_a_table_prefix(self) -> None:
        del self.env["DYNAMODB_TABLE_PREFIX"]
        with pytest.raises(OSError, match="DYNAMODB_TABLE_PREFIX"):
            DynamoDBFactory(self.env)

    def test_an_application_runs_on_it(self) -> None:
        app = Application[UUID](env={**self.env, "IS_SNAPSHOTTING_ENABLED": "y"})
        counter = Counter()
        counter.increment()
        counter.increment()
        app.save(counter)
        app.take_snapshot(counter.id)
        counter = app.repository.get(counter.id)
        counter.increment()
        app.save(counter)

        assert app.repository.get(counter.id).count == 3
        assert app.repository.get(counter.id, version=2).count == 1
        snapshots = DynamoDBAggregateRecorder(self.ddb, self.tables, "snapshots")
        assert [s.originator_version for s in snapshots.select_events(counter.id)] == [3]
        assert app.recorder.max_notification_id() is None  # ids come from the indexer

    def test_snapshots_have_their_own_table(self) -> None:
        recorder = self.factory.aggregate_recorder(purpose="snapshots")
        assert isinstance(recorder, DynamoDBAggregateRecorder)
        assert recorder.table == self.tables.snapshots
