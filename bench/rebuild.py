"""The rate of rebuilding every projection in one pass versus one raw read of
the log (the limit), versus the same read through eventsourcing's recorder
(the measure the rebuild's first figure, 0.016, was taken against), and
versus the raw read plus the rebuild's own statements on the views file
replayed raw (db_replay.py)."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from chalicelib.adapters.sqlite_views import SQLiteViewStore
from chalicelib.bootstrap import Container

from . import db_replay
from .raw import read_log, read_notifications


@dataclass(frozen=True)
class Rebuilds:
    log_length: int
    read_seconds: float
    """The fastest of three raw passes over the whole log."""
    recorder_read_seconds: float
    """The fastest of three passes through the recorder's `select_notifications`."""
    page: int
    """Rows per page, of the raw read and of the rebuild's reads."""
    projections: int
    events: int
    """Log events the rebuild replayed (each once, for every projection)."""
    seconds: float
    """The rebuild of every projection into a new generation, switch included."""
    view_statements: int
    """Statements a rebuild runs on the views file, BEGIN and COMMIT included."""
    view_transactions: int
    view_replay_seconds: float
    """The fastest of three raw replays of those statements."""

    @property
    def same_work_seconds(self) -> float:
        """The raw log read plus the raw replay of the rebuild's view statements."""
        return self.read_seconds + self.view_replay_seconds


def run_rebuilds(container: Container) -> Rebuilds:
    runner = container.runner
    runner.catch_up()
    page = runner.rebuild_batch_size
    reads = sorted(read_log(container.settings.events_db, page)[1] for _ in range(3))
    recorder = container.shop.store.recorder
    recorder_reads = sorted(read_notifications(recorder, page) for _ in range(3))
    start = time.perf_counter()
    result = runner.rebuild()
    seconds = time.perf_counter() - start
    if not result.complete or result.kept:
        raise RuntimeError(f"the rebuild did not complete: {result}")
    log, replay_seconds = _replay_views(container)
    return Rebuilds(
        runner.log_length(),
        reads[0],
        recorder_reads[0],
        page,
        len(runner.projections),
        result.events,
        seconds,
        log.statements(),
        log.transactions(),
        replay_seconds,
    )


def _replay_views(container: Container) -> tuple[db_replay.StatementLog, float]:
    """Records a second rebuild's statements on the views file (untimed) and
    replays them three times, each into a copy of the file as it found it;
    the fastest replay."""
    runner = container.runner
    store = runner.store
    if not isinstance(store, SQLiteViewStore):
        raise TypeError(f"the bench needs the SQLite views, got {type(store).__name__}")
    durability = db_replay.durability_of(store.db)
    with tempfile.TemporaryDirectory() as tmp:
        copies = [Path(tmp) / f"views-{n}.sqlite" for n in range(3)]
        for path in copies:
            db_replay.copy(store.db, path)
        with db_replay.recording(store.db) as log:
            result = runner.rebuild()
        if not result.complete or result.kept:
            raise RuntimeError(f"the recorded rebuild did not complete: {result}")
        return log, db_replay.fastest_replay(store.db.path, copies, log.units, durability)
