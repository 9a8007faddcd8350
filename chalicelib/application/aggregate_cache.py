"""A repository that keeps recently used aggregates in memory and brings each
up to date from the event store before handing out a copy.

eventsourcing's own cache (AGGREGATE_CACHE_MAXSIZE) is not used: with
fast-forward on, `Repository.get` advances the cached object in place under a
per-aggregate lock but deep-copies it after releasing that lock (and on a miss
copies it with no lock at all), so a thread can copy an aggregate another
thread is advancing and decide on a torn state; with fast-forward off it caches
the object the caller saved, which another process's writes make stale.

Here a cached aggregate is never changed once cached. Every `get` copies it
and applies to the copy the events stored after its version (one indexed
query: another thread, another process writing the same SQLite file, or
another Lambda writing DynamoDB with its consistent reads may have appended),
then caches a copy of the result when it moved on. Nothing is locked around
the read, so concurrent loads of one aggregate stay concurrent; two threads
that cache different versions each cache a stored state, and the next load
advances whichever it finds. The cache only ever holds what was built from
stored events: a save never puts anything in it, so a refused save
(IntegrityError, then retry_on_conflict) or a use case that raised after
mutating its copy cannot leave a wrong aggregate behind.

The cache holds each aggregate pickled, with its version: a `get` unpickles
a fresh copy (for aggregates, which hold plain data, the same deep copy as
`copy.deepcopy`, made in C at about twice its speed), and only an aggregate
that moved on is pickled again. Bytes cannot be changed, so the cached state
needs no copy of its own.

Events are applied without `project_aggregate`'s `isinstance(event,
CanMutateProtocol)` assert (a runtime protocol check that costs more than the
mutation itself): every stored event of ours is an aggregate event, and one
that were not would fail on `mutate` just as clearly. `Repository.get`'s
`projector_func` parameter is the library's supported way to choose this."""

from __future__ import annotations

import pickle
from collections.abc import Iterable
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.application import (
    AggregateNotFoundError,
    LRUCache,
    ProjectorFunction,
    Repository,
    project_aggregate,
)
from eventsourcing.domain import MutableOrImmutableAggregate
from eventsourcing.persistence import EventStore

Aggregate = MutableOrImmutableAggregate[UUID]


def apply_events(aggregate: Any, events: Iterable[Any]) -> Any:
    """Each event mutates the aggregate in turn (None before the first)."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


class _Pickled(NamedTuple):
    version: int
    state: bytes

    @classmethod
    def of(cls, aggregate: Aggregate) -> _Pickled:
        return cls(aggregate.version, pickle.dumps(aggregate, pickle.HIGHEST_PROTOCOL))

    def copy(self) -> Aggregate:
        copied: Aggregate = pickle.loads(self.state)
        return copied


class CachingRepository(Repository[UUID]):
    def __init__(
        self,
        event_store: EventStore[UUID],
        *,
        snapshot_store: EventStore[UUID] | None,
        maxsize: int,
    ) -> None:
        super().__init__(event_store, snapshot_store=snapshot_store)  # no library cache
        self._recent: LRUCache[UUID, _Pickled] | None = (
            LRUCache(maxsize=maxsize) if maxsize > 0 else None
        )

    def get(
        self,
        aggregate_id: UUID,
        *,
        version: int | None = None,
        projector_func: ProjectorFunction[Any, Any] = apply_events,
        fastforward_skipping: bool = False,
        deepcopy_from_cache: bool = True,
    ) -> Any:
        """The aggregate as stored now (or at `version`): a copy the caller may mutate."""
        if projector_func is project_aggregate:  # the library's default, e.g. for snapshots
            projector_func = apply_events
        recent = self._recent
        if recent is None or version is not None or projector_func is not apply_events:
            return super().get(aggregate_id, version=version, projector_func=projector_func)
        try:
            cached = recent.get(aggregate_id)
        except KeyError:
            built: Aggregate = super().get(aggregate_id, projector_func=apply_events)
            recent.put(aggregate_id, _Pickled.of(built))
            return built
        aggregate = cached.copy()
        newer = list(self.event_store.get(originator_id=aggregate_id, gt=cached.version))
        if not newer:
            return aggregate
        advanced: Aggregate | None = apply_events(aggregate, newer)
        if advanced is None:  # an aggregate's events never discard it; refuse to cache None
            raise AggregateNotFoundError(aggregate_id)
        recent.put(aggregate_id, _Pickled.of(advanced))
        return advanced
