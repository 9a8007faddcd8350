"""The event store's aggregate cache never hands out a stale aggregate: every
load brings the cached one up to date from the store, whoever wrote (another
thread, or another process on the same SQLite file or DynamoDB table, stood in
for by a second EventStore), and nothing a use case did to its copy, saved or
not, reaches the cache."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError

from chalicelib.application.store import EventStore, retry_on_conflict
from tests.support.runtimes import Running

THREADS = 4


class Tally(Aggregate):
    """Each count records the count it saw: a decision taken on a stale or torn
    aggregate would record a number that is not its position in the tally."""

    class Opened(Aggregate.Created):
        pass

    @event(Opened)
    def __init__(self) -> None:
        self.count = 0
        self.seen: list[int] = []

    @event("Counted")
    def add_one(self, seen: int) -> None:
        self.seen.append(seen)
        self.count = seen + 1


@pytest.fixture
def store(running: Running) -> EventStore:
    return running.container.store


@pytest.fixture
def other(running: Running) -> Iterator[EventStore]:
    """Another process writing the same events: an EventStore of its own."""
    container = running.container
    second = EventStore(env=container.runtime.persistence_env(), clock=container.clock)
    yield second
    second.close()


def open_tally(store: EventStore) -> UUID:
    tally = Tally()
    store.save(tally)
    return tally.id


def count_one(store: EventStore, tally_id: UUID) -> None:
    tally = store.load(Tally, tally_id, "tally")
    tally.add_one(seen=tally.count)
    store.save(tally)


def test_a_write_by_another_process_is_seen_on_the_next_load(
    store: EventStore, other: EventStore
) -> None:
    tally_id = open_tally(store)
    assert store.load(Tally, tally_id, "tally").count == 0  # cached now
    count_one(other, tally_id)
    count_one(other, tally_id)
    tally = store.load(Tally, tally_id, "tally")
    assert (tally.count, tally.version) == (2, 3)
    count_one(store, tally_id)  # and it decides on that, not on its cached version
    assert other.load(Tally, tally_id, "tally").seen == [0, 1, 2]


def test_a_cached_aggregate_reads_only_the_events_after_it(
    store: EventStore, other: EventStore
) -> None:
    tally_id = open_tally(store)
    store.load(Tally, tally_id, "tally")
    count_one(other, tally_id)
    reads: list[Any] = []
    recorder: Any = store.recorder
    select_events = recorder.select_events

    def recording(originator_id: Any, **kwargs: Any) -> Any:
        reads.append(kwargs.get("gt"))
        return select_events(originator_id, **kwargs)

    recorder.select_events = recording
    try:
        assert store.load(Tally, tally_id, "tally").count == 1
        assert store.load(Tally, tally_id, "tally").count == 1
    finally:
        del recorder.select_events
    assert reads == [1, 2]  # from the cached version on, then nothing new


def test_a_save_refused_for_a_conflict_leaves_the_stored_aggregate(
    store: EventStore, other: EventStore
) -> None:
    tally_id = open_tally(store)
    mine = store.load(Tally, tally_id, "tally")
    count_one(other, tally_id)  # another writer wins the race
    mine.add_one(seen=mine.count)
    with pytest.raises(IntegrityError):
        store.save(mine)
    again = store.load(Tally, tally_id, "tally")
    assert (again.count, again.version, again.seen) == (1, 2, [0])


def test_a_use_case_that_fails_after_mutating_its_copy_changes_nothing(
    store: EventStore,
) -> None:
    tally_id = open_tally(store)
    count_one(store, tally_id)
    tally = store.load(Tally, tally_id, "tally")
    tally.add_one(seen=tally.count)  # then the use case raises: nothing is saved
    tally.seen.append(99)
    again = store.load(Tally, tally_id, "tally")
    assert (again.count, again.version, again.seen) == (1, 2, [0])
    assert store.load(Tally, tally_id, "tally") is not again  # every load is a copy


def test_concurrent_writers_never_act_on_a_stale_aggregate(
    store: EventStore, other: EventStore, runtime: str
) -> None:
    per_thread = 25 if runtime == "embedded" else 8
    tally_id = open_tally(store)
    count = retry_on_conflict(count_one)
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def writer(on: EventStore) -> None:
        start.wait()
        try:
            for _ in range(per_thread):
                count(on, tally_id)
                on.load(Tally, tally_id, "tally")  # reads in between keep the cache warm
        except BaseException as error:  # collected, asserted below
            errors.append(error)

    threads = [
        threading.Thread(target=writer, args=(store if n % 2 else other,)) for n in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    total = THREADS * per_thread
    for reader in (store, other):
        tally = reader.load(Tally, tally_id, "tally")
        assert (tally.count, tally.version) == (total, total + 1)
        assert tally.seen == list(range(total))  # each count saw exactly the one before
    events = list(store.repository.event_store.get(tally_id))
    assert [e.seen for e in events[1:]] == list(range(total))


def test_an_aggregate_that_does_not_exist_is_not_found(store: EventStore) -> None:
    assert store.find(Tally, uuid4()) is None
    assert not store.exists(uuid4())
