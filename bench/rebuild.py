"""Rebuild rates of every projection versus the raw log read rate."""

from __future__ import annotations

import time
from dataclasses import dataclass

from chalicelib.bootstrap import Container

from .raw import read_log


@dataclass(frozen=True)
class Rebuilds:
    log_length: int
    read_seconds: float
    """Median of three raw passes over the whole log."""
    seconds: dict[str, tuple[int, float]]
    """Projection name -> (events replayed, seconds)."""


def run_rebuilds(container: Container) -> Rebuilds:
    runner = container.runner
    runner.catch_up()
    reads = sorted(read_log(container.shop)[1] for _ in range(3))
    seconds: dict[str, tuple[int, float]] = {}
    for name in runner.projections:
        start = time.perf_counter()
        count = runner.rebuild(name)
        seconds[name] = (count, time.perf_counter() - start)
    return Rebuilds(runner.log_length(), reads[1], seconds)
