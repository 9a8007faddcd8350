"""The one runner that drives every projection: catch up from the tracked
position in batches (view writes + tracking in one transaction), or rebuild a
fresh generation from the start of the log and switch to it when complete.

Failure isolation: a projection whose `apply` raises on an event is parked at
that event (the events before it in the batch commit, the failing one does
not), with the error recorded in the view store and logged as "projection
parked"; the runner then skips it, and every other projection carries on,
until an operator resumes it. Errors of the view store itself are not a
projection's failure: they park nothing and propagate, to be retried."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import IntegrityError

from .base import BatchTooLarge, Doc, Park, Projection, ViewStore, ViewWriter
from .parking import PARKED, NotParked, describe, park_for

if TYPE_CHECKING:
    from ..application.store import EventStore

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
Batch = list[tuple[int, Any]]


class _Failed(Exception):
    """A projection raised on the event at `index` of the batch being applied."""

    def __init__(self, index: int, error: Exception) -> None:
        super().__init__(index, error)
        self.index = index
        self.error = error


class ReadModelRunner:
    """Catches every projection up, or rebuilds one, from the application's log.

    eventsourcing's `eventsourcing.projection.ProjectionRunner` is not used
    because it runs one projection in background threads, feeding it each event
    with its `Tracking` to record in a `TrackingRecorder` view, whereas this
    runner is called on demand (after a command, or by a Lambda), reads each
    page of the log once for all projections, commits a batch's view writes and
    the tracking position in one transaction of our own view stores (SQLite or
    DynamoDB), and supports generations for rebuild."""

    def __init__(
        self,
        app: EventStore,
        store: ViewStore,
        projections: list[Projection],
        *,
        batch_size: int = 200,
    ) -> None:
        self.app = app
        self.store = store
        self.projections = {p.name: p for p in projections}
        self.batch_size = batch_size
        self._locks = {name: threading.Lock() for name in self.projections}

    def catch_up(self) -> int:
        """Processes every new event in every projection; returns events applied.

        Projections usually stand at the same position, so each page of the log
        is read and deserialised once and shared by all of them. A parked
        projection is skipped; one that fails now is parked, and the others
        carry on."""
        pages: dict[int, Batch] = {}
        total = 0
        for name, projection in self.projections.items():
            with self._locks[name]:
                total += self._run(projection, self.store.generation(name), pages=pages)
        return total

    def rebuild(self, name: str, progress: Progress | None = None) -> int:
        """Replays the whole log into a new generation, then switches readers to it.

        If the projection fails on an event, the new generation is parked there
        and readers stay on the current one (`parked(name, generation + 1)`
        tells); the next rebuild starts that generation over."""
        projection = self.projections[name]
        generation = self.store.generation(name) + 1
        self.store.discard(name, generation)
        count = self._run(projection, generation, progress)
        with self._locks[name]:
            count += self._run(projection, generation, progress)
            if self.store.parked(name, generation) is None:
                self.store.switch(name, generation)
        return count

    def resume(self, name: str) -> Park | None:
        """Clears the park of the generation readers see and catches that
        projection up from the event it stopped at; returns the new park if it
        fails again (on the same event, or a later one), else None."""
        projection = self.projections[name]
        with self._locks[name]:
            generation = self.store.generation(name)
            if not self.store.unpark(name, generation):
                raise NotParked(f"{name} is not parked")
            log.info("projection resumed: %s@%d", name, generation)
            self._run(projection, generation)
            return self.store.parked(name, generation)

    def parks(self) -> list[Park]:
        """The parks of the generations readers see (not of failed rebuilds)."""
        found = (self.store.parked(name, self.store.generation(name)) for name in self.projections)
        return [park for park in found if park is not None]

    def status(self, name: str) -> Doc:
        """Where a projection stands: the generation readers see, its position,
        its park (or None), and the park of a rebuild that failed (or None)."""
        generation = self.store.generation(name)
        park = self.store.parked(name, generation)
        rebuild = self.store.parked(name, generation + 1)
        return {
            "name": name,
            "generation": generation,
            "position": self.store.position(name, generation),
            "parked": None if park is None else park.doc(),
            "rebuild_parked": None if rebuild is None else rebuild.doc(),
        }

    def log_length(self) -> int:
        return int(self.app.recorder.max_notification_id() or 0)

    def _read(self, after: int) -> Batch:
        notifications = self.app.recorder.select_notifications(
            start=after, limit=self.batch_size, inclusive_of_start=False
        )
        return [(n.id, self.app.mapper.to_domain_event(n)) for n in notifications]

    def _batches(self, after: int, pages: dict[int, Batch] | None) -> Iterator[Batch]:
        position = after
        while True:
            if pages is None:
                batch = self._read(position)
            elif position in pages:
                batch = pages[position]
            else:
                batch = pages[position] = self._read(position)
            if not batch:
                return
            yield batch
            position = batch[-1][0]

    def _run(
        self,
        projection: Projection,
        generation: int,
        progress: Progress | None = None,
        pages: dict[int, Batch] | None = None,
    ) -> int:
        count = 0
        while True:
            if self.store.parked(projection.name, generation) is not None:
                return count
            position = self.store.position(projection.name, generation)
            try:
                for batch in self._batches(position, pages):
                    if self._commit(projection, generation, position, batch):
                        return count
                    position = batch[-1][0]
                    count += len(batch)
                    if progress:
                        progress(len(batch))
            except IntegrityError:
                continue  # another process got there first: resume from its position
            return count

    def _commit(self, projection: Projection, generation: int, after: int, batch: Batch) -> bool:
        """Applies a batch in one commit, halving it while the store finds it too large.

        If the projection fails on an event, the events before it commit and
        the generation is parked at it: returns True."""
        try:
            with self.store.writing(projection.name, generation, after, batch[-1][0]) as views:
                for index, (_, event) in enumerate(batch):
                    self._apply(projection, event, views, index)
        except BatchTooLarge:
            if len(batch) == 1:
                raise
            half = len(batch) // 2
            return self._commit(projection, generation, after, batch[:half]) or self._commit(
                projection, generation, batch[half - 1][0], batch[half:]
            )
        except _Failed as failed:
            if failed.index > 0 and self._commit(
                projection, generation, after, batch[: failed.index]
            ):
                return True
            self._park(projection.name, generation, batch[failed.index], failed.error)
            return True
        return False

    def _apply(self, projection: Projection, event: Any, views: ViewWriter, index: int) -> None:
        try:
            projection.apply(event, views)
        except self.store.storage_errors:
            raise
        except Exception as error:  # whatever a projection's own code raises parks it, alone
            raise _Failed(index, error) from error

    def _park(self, name: str, generation: int, failed: tuple[int, Any], error: Exception) -> None:
        position, event = failed
        park = park_for(name, generation, position, event, error, self.app.clock.now())
        self.store.park(park)
        log.error("%s: %s", PARKED, describe(park), exc_info=error)


__all__ = ["PARKED", "NotParked", "ReadModelRunner"]
