"""The rate of rebuilding every projection in one pass versus one raw read of
the log (the limit), and versus the same read through eventsourcing's recorder
(the measure the rebuild's first figure, 0.016, was taken against)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from chalicelib.bootstrap import Container

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
    return Rebuilds(
        runner.log_length(),
        reads[0],
        recorder_reads[0],
        page,
        len(runner.projections),
        result.events,
        seconds,
    )
