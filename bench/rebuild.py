"""Rebuild rates of every projection versus one raw read of the log."""

from __future__ import annotations

import time
from dataclasses import dataclass

from chalicelib.bootstrap import Container

from .raw import read_log


@dataclass(frozen=True)
class Rebuilds:
    log_length: int
    read_seconds: float
    """The fastest of three raw passes over the whole log."""
    page: int
    """Rows per page, of the raw read and of the rebuild's reads."""
    seconds: dict[str, tuple[int, float]]
    """Projection name -> (events replayed, seconds); each rebuild is one pass."""


def run_rebuilds(container: Container) -> Rebuilds:
    runner = container.runner
    runner.catch_up()
    page = runner.batch_size
    reads = sorted(read_log(container.settings.events_db, page)[1] for _ in range(3))
    seconds: dict[str, tuple[int, float]] = {}
    for name in runner.projections:
        start = time.perf_counter()
        count = runner.rebuild(name)
        seconds[name] = (count, time.perf_counter() - start)
    return Rebuilds(runner.log_length(), reads[0], page, seconds)
