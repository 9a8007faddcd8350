"""The AWS runtime's write path on DynamoDB Local, against its physical limits.

Appends: the events-table transactions the SQLite run committed (the very
events, in the very saves, recorded as they committed) saved through
DynamoDBApplicationRecorder.insert_events, one TransactWriteItems per save,
versus the same TransactWriteItems issued raw: the recorder's own actions
(items.put_events: same items, same condition expression), built before the
clock starts. Both write into the events table, on ids of their own, in parts
interleaved as ORDER says, each counting the sum of its parts: on DynamoDB
Local a write to a table with a stream costs up to several times one without,
differently from table to table and drifting within a run, so a second table
of the same definition is not the same engine (a limit there once put the
recorder at 0.65 of it; the recorder into that table matched the limit). Both
use the same threads; each thread replays a contiguous slice of the saves with
the aggregate ids renamed for that thread, so no stream has two writers and
every stream's versions are written in order, as the application writes them.

Indexing: the backlog those appends left in the events table's stream (the
recorder's and the limit's events alike: the same items), read by StreamPump
(Lambda's poller on loopback) and given to the real Indexer, versus the append
rate: the indexer keeps up only if this ratio stays above 1. Reading the
stream alone is timed too, to tell the indexer's cost from the poller's.

DynamoDB Local is one JVM on this machine: the ratios say how much our layer
costs on top of the engine, the absolute numbers say nothing about AWS."""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID, uuid5

from eventsourcing.persistence import StoredEvent

from chalicelib.adapters.dynamodb.connection import Tables, client
from chalicelib.adapters.dynamodb.indexer import Indexer
from chalicelib.adapters.dynamodb.items import put_events
from chalicelib.adapters.dynamodb.recorders import (
    DynamoDBAggregateRecorder,
    DynamoDBApplicationRecorder,
)
from local.aws_tables import create_table_request, create_tables, table_definitions
from local.engines import DYNAMODB_LOCAL, REGION, EngineMissing, Engines, start_engines
from local.stream_pump import StreamPump

from .table import Row, rate, ratio

THREADS = 4
DEFAULT_EVENTS = 2000
WARM_UP_EVENTS = 200
PREFIX = "bench"
ORDER = "LrrLrLLrrLLrLrrL"
"""Which side writes each part of the appends: L the limit, r the recorder. A
Thue-Morse sequence: each side gets PARTS parts, and a drift of the engine's
speed that is linear or quadratic over the run costs both sides the same."""
PARTS = len(ORDER) // 2
STREAM_BATCH = 100  # Lambda's default batch size for a DynamoDB stream
_RENAMES = UUID("6f1d3c52-8a4e-4f0b-9c7a-2b5e0d9a7c11")

Save = list[StoredEvent]
Saves = Sequence[Sequence[StoredEvent]]
Request = list[dict[str, Any]]
"""The TransactItems of one TransactWriteItems."""
W = TypeVar("W")


@dataclass(frozen=True)
class Results:
    events: int
    saves: int
    state_bytes: float
    """Mean size of an event's state."""
    recorder_s: float
    """All the recorder's parts."""
    raw_s: float
    """All the limit's parts."""
    backlog: int
    """Events in the events table's stream: the recorder's and the limit's."""
    index_s: float
    read_s: float
    indexed: int
    """The log's last notification id after indexing: must equal `backlog`."""
    index_requests: dict[str, int]
    """The indexer's DynamoDB requests by operation."""
    start_s: float
    """Starting the engines."""
    total_s: float
    """The whole part: engines started and stopped, tables, warm-up, measurements."""
    save_sizes: dict[int, int]
    """Events per save -> saves of that size."""


def _step(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def workload(
    saves: Saves, events: int, threads: int = THREADS, space: str = ""
) -> list[list[Save]]:
    """At least `events` events as the recorded saves, in order (repeated with
    new ids when there are too few), split among `threads`.

    Thread t gets a contiguous run of saves whose ids are renamed by (space, t,
    round), so each stream is written by one thread, in version order. The
    renamed streams' versions are numbered from 1 in that order: the timed
    run wrote to members and stocks made before it, and a renamed stream
    starting at their versions would look to the indexer like a stream whose
    first events it has not seen (which it reads back to be sure), something
    a real log only meets when a stream's records arrive out of order."""
    if not saves:
        raise ValueError("no saves to replay: the SQLite run committed none")
    chosen: list[tuple[int, Sequence[StoredEvent]]] = []
    count = 0
    while count < events:
        index = len(chosen)
        chosen.append((index // len(saves), saves[index % len(saves)]))
        count += len(chosen[-1][1])
    share = -(-len(chosen) // threads)
    plans: list[list[Save]] = []
    versions: dict[UUID | str, int] = {}
    for thread in range(threads):
        plan = []
        for round_, save in chosen[thread * share : (thread + 1) * share]:
            plan.append([_renamed(event, f"{space}/{thread}/{round_}", versions) for event in save])
        plans.append(plan)
    return plans


def _renamed(event: StoredEvent, space: str, versions: dict[UUID | str, int]) -> StoredEvent:
    """The event under its stream's new id, at the next version of that stream."""
    original = event.originator_id
    new_id: UUID | str = uuid5(_RENAMES, f"{space}/{original}")
    if not isinstance(original, UUID):
        new_id = f"{original}@{space}"
    versions[new_id] = versions.get(new_id, 0) + 1
    return StoredEvent(
        originator_id=new_id,
        originator_version=versions[new_id],
        topic=event.topic,
        state=event.state,
    )


def _in_threads(plans: list[list[W]], work: Callable[[W], object]) -> float:
    """Runs `work` on every save, one thread per plan; returns wall seconds."""
    barrier = threading.Barrier(len(plans) + 1)

    def run(plan: list[W]) -> None:
        barrier.wait()
        for save in plan:
            work(save)

    with ThreadPoolExecutor(len(plans)) as pool:
        futures = [pool.submit(run, plan) for plan in plans]
        barrier.wait()
        start = time.perf_counter()
        for future in futures:
            future.result()
        return time.perf_counter() - start


def _requests_for(plans: list[list[Save]], table: str) -> list[list[Request]]:
    """Each save as the recorder's own TransactWriteItems actions, built untimed."""
    return [[put_events(table, save) for save in plan] for plan in plans]


def _raw_transact(ddb: Any) -> Callable[[Request], None]:
    def write(items: Request) -> None:
        ddb.transact_write_items(TransactItems=items)

    return write


def _warm_up(ddb: Any, saves: Saves) -> None:
    """Untimed: opens the pooled connections and lets the JVM compile both write
    paths, streams included, so neither timed run pays for that. Writes to a
    scratch table of the events table's definition, so nothing reaches the
    stream the indexer reads."""
    scratch = Tables(f"{PREFIX}-warm")
    request = create_table_request(table_definitions(PREFIX)["events"])
    request["TableName"] = scratch.events
    ddb.create_table(**request)
    ddb.get_waiter("table_exists").wait(TableName=scratch.events)
    recorder = DynamoDBAggregateRecorder(ddb, scratch)
    _in_threads(workload(saves, WARM_UP_EVENTS, space="warm"), recorder.insert_events)
    raw = workload(saves, WARM_UP_EVENTS, space="warm-raw")
    _in_threads(_requests_for(raw, scratch.events), _raw_transact(ddb))


def _pump(engines: Engines, ddb: Any, tables: Tables, handle: Callable[..., Any]) -> StreamPump:
    arn = ddb.describe_table(TableName=tables.events)["Table"]["LatestStreamArn"]

    def deliver(event: dict[str, Any], context: Any) -> Any:
        return handle(event["Records"])

    return StreamPump(
        engines.client("dynamodbstreams"), {arn: deliver}, batch_size=STREAM_BATCH, region=REGION
    )


def _timed_drain(pump: StreamPump) -> float:
    start = time.perf_counter()
    pump.drain(timeout_s=600)
    return time.perf_counter() - start


@contextmanager
def _requests(ddb: Any) -> Iterator[Counter[str]]:
    """Counts the client's DynamoDB requests by operation while open, to show
    where the indexer's time goes."""
    counts: Counter[str] = Counter()

    def count(event_name: str, **kwargs: Any) -> None:
        counts[event_name.rsplit(".", 1)[-1]] += 1

    ddb.meta.events.register("before-call.dynamodb.*", count)
    try:
        yield counts
    finally:
        ddb.meta.events.unregister("before-call.dynamodb.*", count)


def _parts(recorded: Saves, events: int, space: str) -> list[list[list[Save]]]:
    """The workload of `events` events as PARTS parts, each on ids of its own."""
    return [workload(recorded, -(-events // PARTS), space=f"{space}-{n}") for n in range(PARTS)]


def _appends(ddb: Any, tables: Tables, recorded: Saves, events: int) -> tuple[float, float]:
    """Seconds of the recorder and of the limit, both into the events table,
    their parts taken in the order of ORDER, so neither meets another table or
    another stretch of the engine's drift."""
    recorder = DynamoDBApplicationRecorder(ddb, tables)
    recorded_parts = iter(_parts(recorded, events, "recorder"))
    raw_parts = iter(
        [_requests_for(plans, tables.events) for plans in _parts(recorded, events, "raw")]
    )
    recorder_s = raw_s = 0.0
    for side in ORDER:
        if side == "r":
            recorder_s += _in_threads(next(recorded_parts), recorder.insert_events)
        else:
            raw_s += _in_threads(next(raw_parts), _raw_transact(ddb))
    return recorder_s, raw_s


def measure(log_dir: Path, recorded: Saves, events: int) -> Results:
    """Starts the engines in `log_dir`, measures, and stops them."""
    saves = [save for plans in _parts(recorded, events, "recorder") for plan in plans
             for save in plan]  # fmt: skip
    count = sum(len(save) for save in saves)
    state_bytes = sum(len(e.state) for save in saves for e in save) / count
    _step("starting DynamoDB Local...")
    start = time.perf_counter()
    engines = start_engines(log_dir)
    try:
        start_s = time.perf_counter() - start
        ddb = client("dynamodb", engines.dynamodb_url, REGION)
        create_tables(ddb, PREFIX)
        tables = Tables(PREFIX)
        _warm_up(ddb, recorded)
        _step(
            f"... appending {count} events through the recorder and as many raw, "
            f"{THREADS} threads, in {PARTS} parts each, interleaved ({ORDER})..."
        )
        recorder_s, raw_s = _appends(ddb, tables, recorded, events)
        _step("... indexing the backlog from the stream...")
        indexing = _pump(engines, ddb, tables, Indexer(ddb, tables).handle)
        with _requests(ddb) as requests:
            index_s = _timed_drain(indexing)
        indexed = DynamoDBApplicationRecorder(ddb, tables).max_notification_id() or 0
        _step("... reading the stream alone...")
        read_s = _timed_drain(_pump(engines, ddb, tables, lambda records: None))
    finally:
        engines.stop()
    total_s = time.perf_counter() - start
    return Results(
        count, len(saves), state_bytes, recorder_s, raw_s, 2 * count, index_s, read_s, indexed,
        dict(requests), start_s, total_s, dict(Counter(len(save) for save in saves)),
    )  # fmt: skip


def engine_version() -> str:
    jars = sorted(DYNAMODB_LOCAL.glob("dynamodb_local_*"))
    return jars[-1].name.removeprefix("dynamodb_local_") if jars else "unknown"


def report(result: Results) -> tuple[list[Row], list[str]]:
    """The section's rows and notes."""
    n, threads, backlog = result.events, THREADS, result.backlog
    append_rate = n / result.recorder_s
    raw_rate = n / result.raw_s
    index_rate = backlog / result.index_s
    read_rate = backlog / result.read_s
    rows = [
        Row(f"DynamoDB: events appended via recorder, {threads} threads",
            rate(n, result.recorder_s, "events"), f"{raw_rate:,.0f} events/s",
            ratio(append_rate, raw_rate)),
        Row(f"DynamoDB: saves via recorder (1 transaction each), {threads} threads",
            rate(result.saves, result.recorder_s, "saves"),
            rate(result.saves, result.raw_s, "saves"), ratio(result.raw_s, result.recorder_s)),
        Row(f"DynamoDB: events indexed (backlog of {backlog}, StreamPump + Indexer)",
            rate(backlog, result.index_s, "events"), f"{append_rate:,.0f} events/s appended",
            ratio(index_rate, append_rate)),
        Row(f"DynamoDB: stream read alone, batches of {STREAM_BATCH}",
            rate(backlog, result.read_s, "records"), "", ""),
        Row("DynamoDB: indexing ÷ stream read alone", "", "", ratio(index_rate, read_rate)),
    ]  # fmt: skip
    sizes = ", ".join(f"{k} events ×{v:,}" for k, v in sorted(result.save_sizes.items()))
    verdict = "all" if result.indexed == backlog else f"ONLY {result.indexed}"
    requests = ", ".join(f"{op} {k}" for op, k in sorted(result.index_requests.items()))
    notes = [
        f"DynamoDB Local {engine_version()} (in memory, started in {result.start_s:.1f} s): "
        f"{n} events in {result.saves:,} saves, the events-table transactions of the SQLite "
        f"run with projections in their recorded order and sizes ({sizes}; mean state "
        f"{result.state_bytes:,.0f} bytes), replayed by {threads} threads, each with its own "
        "renamed aggregates (snapshot commits are not replayed). Recorder: "
        "DynamoDBApplicationRecorder.insert_events, one TransactWriteItems per save into the "
        "events table (stream NEW_IMAGE on). Limit: the same TransactWriteItems (the "
        "recorder's own put_events actions: same items, same attribute_not_exists(#v) "
        "condition, same saves, same threads), built before the clock starts and issued "
        f"raw with boto3 into the same events table, each side in {PARTS} parts on ids of its "
        f"own, interleaved {ORDER} (L the limit, r the recorder), counting the sum of its parts.",
        f"DynamoDB absolute times: appends {result.recorder_s:.2f} s, raw transactions "
        f"{result.raw_s:.2f} s, indexing the backlog {result.index_s:.2f} s ({verdict} "
        f"{backlog} events, the recorder's and the limit's, got notification ids), reading "
        f"the stream alone {result.read_s:.2f} s; the whole part {result.total_s:.0f} s.",
        f"indexer requests for the {backlog} events: {requests}.",
    ]
    return rows, notes


def section(log_dir: Path, saves: Saves, events: int) -> tuple[list[Row], list[str], bool]:
    """Rows, notes, and whether the part ran and every appended event was indexed.

    A machine without Java or DynamoDB Local gets a note saying how to install
    them (or to skip the part), not a traceback after the SQLite part's work."""
    try:
        result = measure(log_dir, saves, events)
    except EngineMissing as error:
        return [], [f"DynamoDB part not run: {error} (or pass --no-dynamodb)."], False
    table_rows, notes = report(result)
    return table_rows, notes, result.indexed == result.backlog
