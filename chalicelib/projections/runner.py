"""The one runner that drives every projection: catch up from the tracked
positions, or rebuild fresh generations from the start of the log and switch
readers to them when complete.

One pass, one transaction per batch. The projections to advance are grouped by
the position they stand at (usually one group); the lowest group reads the
next page of the log once, deserialising only the events whose topic names a
type some projection of the group `handles` (decided from the topic string,
before any JSON is parsed), every projection of the group applies the events of
it that its `handles` name (a projection that handles none of them only moves
its position), and all their view writes and position moves commit in one
view-store transaction (`ViewStore.transaction`, one part per projection).
When the lowest group reaches the next one, they merge. A position the store
refuses (another runner committed that batch first: IntegrityError) makes the
runner re-read the positions and go on from there, so racing runners apply
each event once.

Failure isolation: a projection whose `apply` raises on an event is parked at
that event (the events before it in the batch commit, the failing one does
not), with the error recorded in the view store and logged as "projection
parked"; the others' writes for that batch commit as usual, and the runner
skips the parked one until an operator resumes it. Errors of the view store
itself are not a projection's failure: they park nothing and propagate, to be
retried.

Rebuilds are resumable. A rebuild of a projection fills generation
`generation(name) + 1`; that generation is in progress when its tracking
position is above 0 or it is parked (its tracking row, committed in the same
transaction as its views, is the marker: every process sees the same one), so
a rebuild interrupted anywhere (a kill, a Lambda timeout, `should_stop`)
continues from where the new generation stands. `restart=True` discards it
first (after a projection fix); a negative position marks a generation whose
discard was interrupted (DynamoDB), which the next rebuild finishes first.
Readers switch only once every rebuilt projection that is not parked has
reached the end of the log, all of them together; a parked one is kept on its
current generation."""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Collection, Sequence
from typing import Any

from eventsourcing.persistence import IntegrityError

from .base import BatchTooLarge, Doc, Park, Projection, ViewStore, ViewWriter
from .log_pages import Batch, EventLog, Handles, LogPages, wanted
from .parking import PARKED, NotParked, describe, park_for

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
"""Told the number of log events of each batch a pass moves through."""
Generations = dict[str, int]
"""Projection name -> the generation a pass advances."""


@dataclasses.dataclass(frozen=True)
class RebuildResult:
    events: int
    """Log events replayed in this call (each counted once, whatever the number of projections)."""
    complete: bool
    """True when the rebuild is finished: every rebuilt projection not parked
    reached the end of the log and readers switched to it (`switched`), the
    parked ones stay on their current generation (`kept`). False when
    `should_stop` stopped it first: everything so far is committed, nothing
    switched, and the next call continues it."""
    switched: list[str] = dataclasses.field(default_factory=list)
    kept: list[str] = dataclasses.field(default_factory=list)
    """Projections whose new generation is parked: readers stay on the old one;
    `status(name)["rebuild_parked"]` tells where and why, and a rebuild with
    `restart=True` after a fix starts it over."""


@dataclasses.dataclass
class _Pass:
    page: int
    """Log events read and committed at a time."""
    events: int = 0
    """Log events the pass moved through."""
    applied: int = 0
    """Events times the projections that committed them."""
    stopped: bool = False


class _Failed(Exception):
    """A projection raised on the event at `index` of the batch being applied."""

    def __init__(self, index: int, error: Exception) -> None:
        super().__init__(index, error)
        self.index = index
        self.error = error


class ReadModelRunner:
    """Catches every projection up, or rebuilds some, from the application's log.

    eventsourcing's `eventsourcing.projection.ProjectionRunner` is not used
    because it runs one projection in background threads, feeding it each event
    with its `Tracking` to record in a `TrackingRecorder` view, whereas this
    runner is called on demand (after a command, or by a Lambda), reads each
    page of the log once for all projections, commits a batch's view writes and
    tracking positions in one transaction of our own view stores (SQLite or
    DynamoDB), and supports generations for rebuild."""

    def __init__(
        self,
        app: EventLog,
        store: ViewStore,
        projections: Sequence[Projection],
        *,
        batch_size: int = 200,
        rebuild_batch_size: int | None = None,
    ) -> None:
        self.app = app
        self.store = store
        self.projections: dict[str, Projection] = {p.name: p for p in projections}
        self.batch_size = batch_size
        """Log events a catch-up reads and commits at a time."""
        self.rebuild_batch_size = rebuild_batch_size or batch_size
        """The same for a rebuild (default: `batch_size`). On SQLite a larger one
        writes less: each page of the file a batch touches is written once per
        transaction, and a rebuild rewrites the same documents batch after batch."""
        self._handles = {p.name: _handled(p) for p in projections}
        self._pages = LogPages(app)
        self._lock = threading.Lock()
        """Held by catch-up, resume and the end of a rebuild (its tail and the
        switch), so no event lands in the old generation after the new one
        caught up within this process."""

    def catch_up(self, names: Collection[str] | None = None) -> int:
        """Processes every new event in the named projections (all if None);
        returns the events applied, summed over projections. A parked
        projection is skipped; one that fails now is parked, and the others
        carry on. Catch-ups of different projections share the lock and the
        positions, so the request's and the background's never apply an event twice."""
        chosen = list(self.projections if names is None else names)
        unknown = [name for name in chosen if name not in self.projections]
        if unknown:
            raise KeyError(f"no projection {', '.join(unknown)}")
        if not chosen:
            return 0
        with self._lock:
            live = self.store.generations(chosen)
            return self._advance(live).applied

    def rebuild(
        self,
        names: str | Sequence[str] | None = None,
        *,
        progress: Progress | None = None,
        should_stop: Callable[[], bool] | None = None,
        restart: bool = False,
    ) -> RebuildResult:
        """Replays the log into a new generation of each named projection (all
        if None) in one pass, then switches readers to all of them at once.

        A new generation already in progress is continued from where it stands
        (`restart=True` discards it and starts over). `should_stop` is asked
        between batches; when it says so, the call returns `complete=False`
        with everything so far committed, and the next call continues."""
        if isinstance(names, str):
            names = [names]
        chosen = list(self.projections if names is None else names)
        unknown = [name for name in chosen if name not in self.projections]
        if unknown:
            raise KeyError(f"no projection {', '.join(unknown)}")
        targets: Generations = {}
        for name in chosen:
            generation = self.store.generation(name) + 1
            if restart or self.store.position(name, generation) < 0:
                self.store.discard(name, generation)
            targets[name] = generation
        page = self.rebuild_batch_size
        done = self._advance(targets, progress, should_stop, page)
        if done.stopped:
            return RebuildResult(done.events, complete=False)
        with self._lock:
            tail = self._advance(targets, progress, should_stop, page)
            if tail.stopped:
                return RebuildResult(done.events + tail.events, complete=False)
            kept = [n for n, g in targets.items() if self.store.parked(n, g) is not None]
            switching = {
                name: generation
                for name, generation in targets.items()
                if name not in kept and self.store.generation(name) < generation
            }
            self.store.switch(switching)
        switched = [name for name in targets if name not in kept]
        log.info("rebuilt %s; kept the current generation of %s", switched, kept)
        return RebuildResult(done.events + tail.events, True, switched, kept)

    def resume(self, name: str) -> Park | None:
        """Clears the park of the generation readers see and catches that
        projection up from the event it stopped at; returns the new park if it
        fails again (on the same event, or a later one), else None."""
        with self._lock:
            generation = self.store.generation(name)
            if not self.store.unpark(name, generation):
                raise NotParked(f"{name} is not parked")
            log.info("projection resumed: %s@%d", name, generation)
            self._advance({name: generation})
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

    def _advance(
        self,
        generations: Generations,
        progress: Progress | None = None,
        should_stop: Callable[[], bool] | None = None,
        page: int | None = None,
    ) -> _Pass:
        done = _Pass(page or self.batch_size)
        while True:
            try:
                self._pass(generations, done, progress, should_stop)
            except IntegrityError:
                continue  # another runner committed first: re-read the positions, go on from there
            return done

    def _pass(
        self,
        generations: Generations,
        done: _Pass,
        progress: Progress | None,
        should_stop: Callable[[], bool] | None,
    ) -> None:
        positions = {
            name: position
            for name, position in self.store.standing(generations).items()
            if position is not None and position >= 0  # None: parked; below 0: being discarded
        }
        while positions:
            if should_stop is not None and should_stop():
                done.stopped = True
                return
            low = min(positions.values())
            group = {n: generations[n] for n, p in positions.items() if p == low}
            batch = self._pages.read(low, done.page, wanted(self._handles, group))
            if not batch:
                return
            last_page = len(batch) < done.page  # the log ended within this read
            ahead = [p for p in positions.values() if p > low]
            if ahead:  # stop where the next group stands, to merge with it
                batch = [item for item in batch if item[0] <= min(ahead)] or batch
            parked = self._commit(group, low, batch)
            for name in group:
                if name in parked:
                    del positions[name]
                else:
                    positions[name] = batch[-1][0]
            if len(parked) < len(group):
                done.events += len(batch)
                done.applied += len(batch) * (len(group) - len(parked))
            if progress is not None:
                progress(len(batch))
            if last_page and positions and min(positions.values()) >= batch[-1][0]:
                return  # everyone stands at the end of the log as read: no empty read to confirm

    def _commit(self, group: Generations, after: int, batch: Batch) -> set[str]:
        """Applies a batch to every projection of the group in one transaction,
        halving it while the store finds it too large; returns the projections
        parked on it (the events before the failure commit, the others' writes too)."""
        upto = batch[-1][0]
        failures: dict[str, _Failed] = {}
        try:
            with self.store.transaction() as transaction:
                for name, generation in group.items():
                    try:
                        with transaction.part(name, generation, after, upto) as views:
                            self._apply(name, batch, views)
                    except _Failed as failed:
                        failures[name] = failed
        except BatchTooLarge:
            if len(batch) == 1:
                raise
            half = len(batch) // 2
            parked = self._commit(group, after, batch[:half])
            rest = {n: g for n, g in group.items() if n not in parked}
            return parked | (
                self._commit(rest, batch[half - 1][0], batch[half:]) if rest else set()
            )
        for name, failure in failures.items():
            index = failure.index
            if index == 0 or not self._commit({name: group[name]}, after, batch[:index]):
                self._park(name, group[name], batch[index], failure.error)
        return set(failures)

    def _apply(self, name: str, batch: Batch, views: ViewWriter) -> None:
        projection = self.projections[name]
        handles = self._handles[name]
        index = -1
        try:
            for _, event in batch:
                index += 1
                if event is not None and (handles is None or type(event) in handles):
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


def _handled(projection: Projection) -> Handles:
    """The exact event types a projection acts on, or None for every event (a
    projection without `handles`, or one whose `handles` names `object`)."""
    handles: frozenset[type] | None = getattr(projection, "handles", None)
    return None if handles is None or object in handles else handles


__all__ = ["PARKED", "NotParked", "ReadModelRunner", "RebuildResult"]
