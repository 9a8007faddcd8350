"""The analytics bench (`python -m bench --analytics-only`): a simulated shop
(bench/analytics_shop.py) at two sizes over the same 90 Beijing days, and

- `/track` events accepted per second through the tracking use case vs the
  same rows committed raw in the same transactions (bench/raw.py);
- each log's analytics projections rebuilt, events per second vs one raw read
  of the same log by the recorder's own SELECT;
- each analytics query over the 90 days, timed on both shops: the large one's
  time against the small one's (a ratio near 1: no growth with raw events)."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from chalicelib.bootstrap import Container
from chalicelib.clock import FixedClock
from chalicelib.projections import (
    analytics_queries,
    behaviour_queries,
    funnel_queries,
    oa_metrics_queries,
    promotion_queries,
)
from chalicelib.projections.base import Doc, ViewReader
from chalicelib.projections.runner import ReadModelRunner
from chalicelib.settings import Settings

from .analytics_shop import CAMPAIGN, FIRST_DAY, LAST_DAY, START, Scale, Simulated, simulate
from .raw import CommitLog, Durability, durability_of, fastest_replay, read_log
from .table import Row, rate, ratio

SEED = 15
REPEATS = 15
"""Each query is timed this many times on each shop; the median counts."""

Query = Callable[[ViewReader, date, date], Any]


def _funnel(views: ViewReader, start: date, end: date) -> Any:
    return (
        behaviour_queries.daily_funnel(views, start, end),
        funnel_queries.acquisition_funnel(views, start, end),
    )


QUERIES: tuple[tuple[str, Query], ...] = (
    ("overview", behaviour_queries.overview),
    ("sources", behaviour_queries.sources),
    ("funnel", _funnel),
    ("retention?cohort=day", lambda v, s, e: analytics_queries.retention(v, s, e, "day", e)),
    ("retention?cohort=week", lambda v, s, e: analytics_queries.retention(v, s, e, "week", e)),
    (f"campaigns/{CAMPAIGN}", lambda v, s, e: promotion_queries.campaign(v, CAMPAIGN, s, e)),
    ("coupons", promotion_queries.coupons),
    ("official-account", lambda v, s, e: oa_metrics_queries.official_account(v, s, e, e)),
)
"""The query functions the admin API's handlers call, as they call them."""


def _step(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class _Counting:
    """A view reader that counts the documents the queries read."""

    def __init__(self, views: ViewReader) -> None:
        self.views = views
        self.docs = 0

    def get(self, projection: str, view: str, key: str) -> Doc | None:
        self.docs += 1
        return self.views.get(projection, view, key)

    def query(
        self,
        projection: str,
        view: str,
        group: str,
        *,
        rank_upto: str | None = None,
        descending: bool = False,
        limit: int = 1000,
    ) -> list[Doc]:
        found = self.views.query(
            projection, view, group, rank_upto=rank_upto, descending=descending, limit=limit
        )
        self.docs += len(found)
        return found


@dataclass(frozen=True)
class Timed:
    seconds: float
    """The median of REPEATS runs."""
    docs: int
    """Documents one run read."""


def time_queries(small: Simulated, large: Simulated) -> tuple[dict[str, Timed], dict[str, Timed]]:
    """Each query on both shops, their runs alternating so both see the same
    machine; (small, large)."""
    start, end = FIRST_DAY, LAST_DAY
    shops = (small.container.views, large.container.views)
    timed: tuple[dict[str, Timed], dict[str, Timed]] = ({}, {})
    for name, query in QUERIES:
        counting = [_Counting(views) for views in shops]
        for reader in counting:
            query(reader, start, end)  # warm-up, and the documents one run reads
        runs: tuple[list[float], list[float]] = ([], [])
        for _ in range(REPEATS):
            for views, into in zip(shops, runs, strict=True):
                began = time.perf_counter()
                query(views, start, end)
                into.append(time.perf_counter() - began)
        for n in (0, 1):
            timed[n][name] = Timed(statistics.median(runs[n]), counting[n].docs)
    return timed


@dataclass(frozen=True)
class Rebuilt:
    label: str
    projections: list[str]
    events: int
    seconds: float
    log_length: int
    read_seconds: float
    page: int


def _rebuild(label: str, runner: ReadModelRunner, db: Path) -> Rebuilt:
    """Every projection of `runner` rebuilt in one pass, against the fastest
    of three raw reads of its log (read first, as bench/rebuild.py does)."""
    reads = sorted(read_log(db, runner.batch_size)[1] for _ in range(3))
    began = time.perf_counter()
    result = runner.rebuild()
    seconds = time.perf_counter() - began
    if not result.complete or result.kept:
        raise RuntimeError(f"the {label} rebuild did not complete: {result}")
    return Rebuilt(
        label,
        list(runner.projections),
        result.events,
        seconds,
        runner.log_length(),
        reads[0],
        runner.batch_size,
    )


def _analytics_runner(container: Container) -> ReadModelRunner:
    """The order log's analytics projection alone, over the container's views."""
    everything = container.runner
    return ReadModelRunner(
        container.store,
        container.views,
        [everything.projections["analytics"]],
        batch_size=everything.batch_size,
    )


def rebuilds(sim: Simulated) -> list[Rebuilt]:
    """The order log's `analytics` projection, then the behaviour log's
    projections; afterwards every order-log projection is caught up
    (untimed), so the queries read complete views."""
    c = sim.container
    done = [_rebuild("order log", _analytics_runner(c), c.settings.events_db)]
    behaviour = c.behaviour_runner
    if behaviour.projections:
        c.behaviour_follow_on.settle(600)
        done.append(_rebuild("behaviour log", behaviour, c.settings.behaviour_db))
    c.runner.catch_up()
    return done


@contextmanager
def shop(data_dir: Path, scale: Scale) -> Iterator[Simulated]:
    _step(
        f"simulating {scale.members:,} members, {scale.events:,} behaviour events and "
        f"{scale.orders:,} orders over 90 days..."
    )
    sim = simulate(data_dir, scale, SEED)
    try:
        yield sim
    finally:
        sim.container.close()


@dataclass(frozen=True)
class Tracked:
    accepted: int
    batches: int
    seconds: float
    limit_seconds: float
    sizes: list[int]
    durability: Durability


def measure_track(sim: Simulated, data_dir: Path) -> Tracked:
    """The simulation's batches sent again, in order and at their times, to
    the tracking use case of a fresh shop whose behaviour projections do not
    catch up (their rate is the rebuild's row); then the same transactions raw."""
    clock = FixedClock(START)
    fresh = Container(Settings(data_dir=data_dir, track_limit_events=10**9), clock=clock)
    try:
        fresh.behaviour_follow_on.stop()  # every wake-up from now on is a no-op
        tracking, log = fresh.tracking, CommitLog(fresh.behaviour)
        accepted, seconds = 0, 0.0
        for batch in sim.batches:
            clock.set(batch.at)
            began = time.perf_counter()
            answer = tracking.track(batch.subject, batch.items)
            seconds += time.perf_counter() - began
            accepted += answer.accepted
        if accepted != sim.accepted or len(log.commits) != len(sim.batches):
            raise AssertionError(f"{accepted} events in {len(log.commits)} commits accepted")
        durability = durability_of(fresh.behaviour)
    finally:
        fresh.close()
    limit = fastest_replay(data_dir.with_name(f"{data_dir.name}-raw"), log.commits, durability)
    sizes = [len(c.rows) for c in log.commits]
    return Tracked(accepted, len(sizes), seconds, limit, sizes, durability)


def _track_rows(t: Tracked) -> tuple[list[Row], str]:
    row = Row(
        f"`/track` events accepted, tracking use case, {t.batches:,} batches",
        rate(t.accepted, t.seconds, "events"),
        rate(t.accepted, t.limit_seconds, "rows"),
        ratio(t.limit_seconds, t.seconds),
    )
    note = (
        "`/track`: the simulation's batches sent again, in order, at their times, to the "
        "tracking use case of a fresh shop (behaviour projections not catching up: their rate "
        "is the rebuild row); limit: the very rows those calls committed, replayed raw into a "
        f"fresh file in the same {t.batches:,} transactions (one per batch; "
        f"{min(t.sizes)}–{max(t.sizes)} rows, mean {statistics.mean(t.sizes):.1f}), "
        "eventsourcing's own CREATE TABLE and INSERT (one execute per row), "
        f"journal_mode={t.durability.journal_mode}, "
        f"synchronous={t.durability.synchronous_name} as read from the behaviour log's "
        "connection; fastest of 3. The use case also checks each item, builds the aggregates "
        "and takes the rate limit (configured out of the way, but taken: one more transaction "
        "per batch, in the same file, synchronous=NORMAL), which the limit does not do"
    )
    return [row], note


def _rebuild_rows(done: list[Rebuilt]) -> tuple[list[Row], list[str]]:
    rows, notes = [], []
    for r in done:
        read_rate = r.log_length / r.read_seconds
        rows.append(
            Row(
                f"rebuild of {', '.join(f'`{p}`' for p in r.projections)} ({r.label}, one pass)",
                rate(r.events, r.seconds, "events"),
                f"{read_rate:,.0f} rows/s",
                ratio(r.events / r.seconds, read_rate),
            )
        )
        notes.append(
            f"{r.label} rebuild limit: one raw read of the whole {r.label} ({r.log_length:,} "
            f"events), the recorder's own SELECT in pages of {r.page} (the runner's page), "
            f"fetched as tuples; fastest of 3, {r.read_seconds * 1000:.0f} ms"
        )
    return rows, notes


def _query_rows(small: dict[str, Timed], large: dict[str, Timed]) -> list[Row]:
    return [
        Row(
            f"analytics query `{name}`, 90 days ({large[name].docs:,} / {small[name].docs:,} docs)",
            f"{large[name].seconds * 1000:.1f} ms",
            f"{small[name].seconds * 1000:.1f} ms",
            ratio(large[name].seconds, small[name].seconds),
        )
        for name, _ in QUERIES
    ]


def _raw_events(sim: Simulated) -> str:
    c = sim.container
    return (
        f"{c.runner.log_length():,} order-log and {c.behaviour.max_notification_id():,} "
        "behaviour events"
    )


def section(tmp: Path, factor: float) -> tuple[list[Row], list[str]]:
    """The analytics rows and notes; `factor` 1 is the full size."""
    large_scale = Scale.of(factor)
    small_scale = large_scale.quarter()
    with (
        shop(tmp / "analytics-small", small_scale) as small,
        shop(tmp / "analytics-large", large_scale) as large,
    ):
        small.container.runner.catch_up()
        small.container.behaviour_runner.catch_up()
        _step("/track: the same batches into a quiet log, then raw, best of 3...")
        rows, track_note = _track_rows(measure_track(large, tmp / "track"))
        _step("rebuilding the analytics projections...")
        rebuild_rows, rebuild_notes = _rebuild_rows(rebuilds(large))
        _step("timing the analytics queries on both shops...")
        small_times, large_times = time_queries(small, large)
        small_events = _raw_events(small)
        shape = (
            f"analytics shop (seed {SEED}): {large_scale.members:,} members, "
            f"{large.accepted:,} behaviour events accepted, {large.orders:,} orders placed, "
            f"{large.paid:,} paid, {large.refunded:,} refunded, over 90 Beijing days "
            f"({FIRST_DAY} to {LAST_DAY}); {_raw_events(large)} in all"
        )
    rows += rebuild_rows + _query_rows(small_times, large_times)
    query_note = (
        f"analytics queries: the admin API's query functions over the 90 days, median of "
        f"{REPEATS} runs alternating between the two shops; value: the shop above; limit "
        "column: the same shop at a quarter of its size over the same 90 days "
        f"({small_events}); ratio large ÷ small, near 1 when the time does not grow with raw "
        "events; docs: documents one run reads, large / small"
    )
    return rows, [shape, track_note, *rebuild_notes, query_note]
