"""The event store every use case shares: repositories, snapshots, the clock,
and the retry that re-runs a use case when it lost an optimistic-concurrency race.

Use cases are small classes by business area that receive this store (and
whatever else they need) in their constructors; see `chalicelib/bootstrap/shop.py`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, Repository
from eventsourcing.domain import MutableOrImmutableAggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Recording
from eventsourcing.utils import EnvType

from ..clock import Clock, SystemClock
from .aggregate_cache import CachingRepository
from .errors import Busy, NotFound
from .transcodings import register_value_types

P = ParamSpec("P")
R = TypeVar("R")
A = TypeVar("A")

MAX_ATTEMPTS = 60
MAX_BACKOFF = 0.05  # seconds; full jitter, doubling up to this cap
AGGREGATE_CACHE_SIZE = 2000


def retry_on_conflict(fn: Callable[P, R]) -> Callable[P, R]:
    """Re-run a use case from a fresh load when another writer won the race.

    Optimistic concurrency refuses the losing write (IntegrityError); nothing is
    lost or half-written, so running the whole load-decide-save again is safe.
    """

    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(MAX_ATTEMPTS):
            try:
                return fn(*args, **kwargs)
            except IntegrityError:
                time.sleep(random.uniform(0, min(MAX_BACKOFF, 0.001 * 2**attempt)))
        raise Busy(f"{fn.__name__} kept conflicting with concurrent writes")

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def snapshot_intervals() -> dict[type[Any], int]:
    """A snapshot every 50 versions of the aggregates that live long."""
    from ..domain.campaign_stock import CampaignStock
    from ..domain.cart import Cart
    from ..domain.catalogue import Stock
    from ..domain.favourites import Favourites
    from ..domain.inbox import Inbox
    from ..domain.member import Member

    return {Stock: 50, Member: 50, CampaignStock: 50, Inbox: 50, Favourites: 50, Cart: 50}


class EventStore(Application[UUID]):
    """The `eventsourcing` application: load, find and save aggregates.

    `on_commit` is told after every successful save; the embedded runtime's
    follow-on loop (chalicelib/follow_on.py) listens there. It never runs
    projections or side effects inside `save` itself.

    The repository keeps the `aggregate_cache` most recently used aggregates
    and brings each up to date from the store on every load
    (application/aggregate_cache.py); 0 turns the cache off."""

    is_snapshotting_enabled = True
    """Each store takes snapshots of the aggregates `snapshot_intervals` names;
    it imports them when the store is built, not with this module (README,
    "Cold start")."""

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        clock: Clock | None = None,
        on_commit: Callable[[], None] | None = None,
        aggregate_cache: int = AGGREGATE_CACHE_SIZE,
    ) -> None:
        self._aggregate_cache = aggregate_cache  # read by construct_repository, below
        # eventsourcing declares the intervals a ClassVar but reads them from the
        # instance (Application._take_snapshots): each store sets its own.
        self.snapshotting_intervals = snapshot_intervals()  # type: ignore[misc]
        super().__init__(env)
        self.clock: Clock = clock or SystemClock()
        self._on_commit = on_commit

    def construct_repository(self) -> Repository[UUID]:
        return CachingRepository(
            self.events, snapshot_store=self.snapshots, maxsize=self._aggregate_cache
        )

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        from ..domain.cart import CartLine
        from ..domain.values import VALUE_TYPES

        super().register_transcodings(transcoder)
        register_value_types(transcoder, (*VALUE_TYPES, CartLine))

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        recordings = super().save(*objs, **kwargs)
        if self._on_commit is not None:
            self._on_commit()
        return recordings

    def load(self, cls: type[A], aggregate_id: UUID, what: str) -> A:
        aggregate = self.find(cls, aggregate_id)
        if aggregate is None:
            raise NotFound(what)
        return aggregate

    def find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        """The aggregate of that class, or None when there is none (yet)."""
        try:
            aggregate: MutableOrImmutableAggregate[UUID] = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, cls) else None

    def exists(self, aggregate_id: UUID) -> bool:
        return aggregate_id in self.repository
