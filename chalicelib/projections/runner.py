"""The one runner that drives every projection: catch up from the tracked
position in batches (view writes + tracking in one transaction), or rebuild a
fresh generation from the start of the log and switch to it when complete."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError

from .base import BatchTooLarge, Projection, ViewStore

Progress = Callable[[int], None]
Batch = list[tuple[int, Any]]


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
        app: Application[UUID],
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
        is read and deserialised once and shared by all of them."""
        pages: dict[int, Batch] = {}
        total = 0
        for name, projection in self.projections.items():
            with self._locks[name]:
                total += self._run(projection, self.store.generation(name), pages=pages)
        return total

    def rebuild(self, name: str, progress: Progress | None = None) -> int:
        """Replays the whole log into a new generation, then switches readers to it."""
        projection = self.projections[name]
        generation = self.store.generation(name) + 1
        self.store.discard(name, generation)
        count = self._run(projection, generation, progress)
        with self._locks[name]:
            count += self._run(projection, generation, progress)
            self.store.switch(name, generation)
        return count

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
            position = self.store.position(projection.name, generation)
            try:
                for batch in self._batches(position, pages):
                    self._commit(projection, generation, position, batch)
                    position = batch[-1][0]
                    count += len(batch)
                    if progress:
                        progress(len(batch))
            except IntegrityError:
                continue  # another process got there first: resume from its position
            return count

    def _commit(self, projection: Projection, generation: int, after: int, batch: Batch) -> None:
        """Applies a batch in one commit, halving it while the store finds it too large."""
        try:
            with self.store.writing(projection.name, generation, after, batch[-1][0]) as views:
                for _, event in batch:
                    projection.apply(event, views)
        except BatchTooLarge:
            if len(batch) == 1:
                raise
            half = len(batch) // 2
            self._commit(projection, generation, after, batch[:half])
            self._commit(projection, generation, batch[half - 1][0], batch[half:])
