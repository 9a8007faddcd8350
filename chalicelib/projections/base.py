"""What a projection is: a named mapping from events to view writes; and all
a projection needs from the view stores that keep its documents (ViewWriter,
ViewReader, PagedViewReader, ViewStore, BatchTooLarge, Doc, Park)."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from enum import Enum
from typing import Any, Protocol
from uuid import UUID

Doc = dict[str, Any]


class BatchTooLarge(Exception):
    """A view store cannot commit this many writes at once; the runner splits the batch."""


@dataclasses.dataclass(frozen=True)
class Park:
    """A projection's generation stopped at the event it failed on: the runner
    skips it until an operator resumes it (the other projections carry on)."""

    projection: str
    generation: int
    position: int
    """The notification id of the event that failed (tracking stands just before it)."""
    topic: str
    originator_id: str
    originator_version: int
    error: str
    parked_at: str
    """ISO time, from the shop's clock."""

    def doc(self) -> Doc:
        return dataclasses.asdict(self)


class ViewWriter(Protocol):
    """Writes made while processing events; they commit atomically with the
    projection's tracking position."""

    def get(self, view: str, key: str) -> Doc | None: ...

    def put(self, view: str, key: str, doc: Doc, *, group: str = "", rank: str = "") -> None: ...

    def delete(self, view: str, key: str) -> None: ...

    def enqueue(
        self, message_id: str, kind: str, payload: Doc, *, not_before: datetime | None = None
    ) -> None:
        """Adds a side-effect intent to the outbox; a known id is ignored (so a
        rebuild or a redelivered event sends nothing new). A message given
        `not_before` waits until then: a reminder is written when its cause
        happens, and the outbox holds it until it falls due."""


class ViewReader(Protocol):
    def get(self, projection: str, view: str, key: str) -> Doc | None: ...

    def query(
        self,
        projection: str,
        view: str,
        group: str,
        *,
        rank_upto: str | None = None,
        descending: bool = False,
        limit: int = 1000,
    ) -> list[Doc]: ...


class PagedViewReader(ViewReader, Protocol):
    """A view reader that also reads a group a page at a time, past any limit,
    and many keys at once (the view stores; a reader that only counts or
    wraps reads need not)."""

    def query_after(
        self, projection: str, view: str, group: str, *, after: str | None, limit: int
    ) -> list[Doc]:
        """Up to `limit` documents of the group in ascending rank order whose
        rank is above `after` (None: from the lowest). Pages a group whose
        documents' ranks are unique (the next page starts after the last rank seen)."""

    def get_many(self, projection: str, view: str, keys: Sequence[str]) -> dict[str, Doc]:
        """The documents of those keys that exist, by key (DynamoDB: BatchGetItem)."""


class ViewTransaction(Protocol):
    """One commit of several projections' batches: each projection's share is
    a part (its writes and the move of its tracking position)."""

    def part(
        self, projection: str, generation: int, after: int, upto: int
    ) -> AbstractContextManager[ViewWriter]:
        """The writes of `projection@generation` that commit with the move of
        its position from `after` to `upto`. If the block raises, this part is
        dropped (the others stand) and the error propagates. Raises
        IntegrityError (the whole transaction then commits nothing) if the
        position is not `after`, and BatchTooLarge if the part cannot commit at once."""


class ViewStore(Protocol):
    """Where the runner keeps each projection's documents and tracking position,
    per generation (a rebuild fills a new one, then readers switch to it)."""

    def generation(self, projection: str) -> int: ...

    def generations(self, projections: Sequence[str]) -> dict[str, int]:
        """The generation readers see of each projection, in one read."""

    def standing(self, generations: Mapping[str, int]) -> dict[str, int | None]:
        """Each generation's position (as `position`), or None where it is
        parked, in one read: what a catch-up needs before it starts."""

    def position(self, projection: str, generation: int) -> int:
        """The last notification id the generation processed: 0 if none; below
        0 while a discard of the generation is under way (DynamoDB)."""

    def transaction(self) -> AbstractContextManager[ViewTransaction]:
        """Commits every part when the block ends, in one transaction where the
        store can (SQLite); DynamoDB packs whole parts into as few
        TransactWriteItems as its 100-item limit allows, so a part is
        atomic and a refused position leaves the parts of earlier
        transactions committed (the runner re-reads the positions); a part
        over 100 writes first commits the writes of items it never read, and
        its other writes and its position move last, together (replaying its
        events from the same position makes the same writes again)."""

    def discard(self, projection: str, generation: int) -> None:
        """Drops a generation: its documents, its tracking position and its park."""

    def switch(self, generations: dict[str, int]) -> None:
        """Makes each projection's given generation the one readers see, all
        at once where the store can, and drops the generations they replace."""

    storage_errors: tuple[type[Exception], ...]
    """What the store itself raises when it cannot read or write (a locked file,
    an unreachable or throttling DynamoDB): not a projection's failure, so
    nothing is parked and the error propagates (the caller retries)."""

    def park(self, park: Park) -> None:
        """Records that `park.projection`'s generation stopped at `park.position`."""

    def parked(self, projection: str, generation: int) -> Park | None: ...

    def unpark(self, projection: str, generation: int) -> bool:
        """Clears the park; False if that generation was not parked."""


Handler = Callable[[Any, ViewWriter], None]
"""Applies one event (of the exact type it is registered for) to a view."""


class Projection(Protocol):
    """Every projection has one shape: `apply` looks the event's exact type up
    in a module-level dict of handlers (`HANDLERS`; a subclass is not matched)
    and ignores an event of any other type; `handles` is that dict's keys."""

    name: str
    handles: frozenset[type]
    """The event types `apply` acts on; an event of any other type changes
    nothing, so the runner does not hand it over (`object` in it: every event)."""

    def apply(self, event: Any, views: ViewWriter) -> None: ...


def rank_time(moment: datetime) -> str:
    """A fixed-width UTC timestamp that sorts as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def day_source_rank(day: str, source: str) -> str:
    """The rank of a per-day-and-source document: one ranged read by day covers
    a range of days, every source of each ("~" after the last day's sources)."""
    return f"{day}|{source}"


_SCALARS = frozenset({str, int, float, bool, type(None)})
"""Exact types `plain` returns as they are (a str or int Enum is not one of them)."""


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def plain(value: Any) -> Any:
    """Event data as JSON-ready values (dataclasses, UUIDs, datetimes, enums)."""
    if type(value) in _SCALARS:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: plain(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value
