"""The AWS runtime's write path on DynamoDB Local, against its physical limits.

Appends: the events of the SQLite run (same topics, states and saves of 2
events for place_order and record_payment) saved through
DynamoDBApplicationRecorder.insert_events, one TransactWriteItems per save,
versus raw conditional PutItems of the very same items into a table with the
events table's key schema and no stream. Both use the same threads; each
thread replays a contiguous slice of the saves with the aggregate ids renamed
for that thread, so no stream has two writers and every stream's versions are
written in order, as the application writes them.

Indexing: the backlog those appends left in the events table's stream, read
by StreamPump (Lambda's poller on loopback) and given to the real Indexer,
versus the append rate: the indexer keeps up only if this ratio stays above 1.
Reading the stream alone is timed too, to tell the indexer's cost from the
poller's.

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
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.persistence import StoredEvent

from chalicelib.adapters.dynamodb.connection import Tables, client
from chalicelib.adapters.dynamodb.indexer import Indexer
from chalicelib.adapters.dynamodb.items import VERSION_NOT_TAKEN, event_attributes
from chalicelib.adapters.dynamodb.recorders import (
    DynamoDBAggregateRecorder,
    DynamoDBApplicationRecorder,
)
from local.aws_tables import create_table_request, create_tables, table_definitions
from local.engines import DYNAMODB_LOCAL, REGION, EngineMissing, Engines, start_engines
from local.stream_pump import StreamPump

from .raw import EventRow
from .table import Row, rate, ratio

THREADS = 4
DEFAULT_EVENTS = 2000
WARM_UP_EVENTS = 200
PREFIX = "bench"
RAW_TABLE = f"{PREFIX}-raw-events"
STREAM_BATCH = 100  # Lambda's default batch size for a DynamoDB stream
_RENAMES = UUID("6f1d3c52-8a4e-4f0b-9c7a-2b5e0d9a7c11")

Save = list[StoredEvent]


@dataclass(frozen=True)
class Results:
    events: int
    saves: int
    state_bytes: float
    """Mean size of an event's state."""
    recorder_s: float
    raw_s: float
    index_s: float
    read_s: float
    indexed: int
    """The log's last notification id after indexing: must equal `events`."""
    index_requests: dict[str, int]
    """The indexer's DynamoDB requests by operation."""
    start_s: float
    """Starting the engines."""
    total_s: float
    """The whole part: engines started and stopped, tables, warm-up, measurements."""


def _step(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _originator(text: str) -> UUID | str:
    """SQLite keeps UUID ids as hex text; other ids stay text."""
    try:
        return UUID(text)
    except ValueError:
        return text


def workload(
    rows: Sequence[EventRow],
    per_command: Sequence[int],
    events: int,
    threads: int = THREADS,
    space: str = "",
) -> list[list[Save]]:
    """At least `events` events as saves of `per_command` sizes (cycled, repeating
    the rows with new ids when there are too few), split among `threads`.

    Thread t gets a contiguous run of saves whose ids are renamed by (space, t,
    round), so each stream is written by one thread, in version order."""
    if not rows or not per_command:
        raise ValueError("no events to replay: the SQLite run wrote none")
    sources: list[list[EventRow]] = []
    position, command = 0, 0
    while position < len(rows):
        size = per_command[command % len(per_command)]
        sources.append(list(rows[position : position + size]))
        position, command = position + size, command + 1
    chosen: list[tuple[int, list[EventRow]]] = []
    count = 0
    while count < events:
        index = len(chosen)
        chosen.append((index // len(sources), sources[index % len(sources)]))
        count += len(chosen[-1][1])
    share = -(-len(chosen) // threads)
    plans: list[list[Save]] = []
    for thread in range(threads):
        plan = []
        for round_, save in chosen[thread * share : (thread + 1) * share]:
            plan.append([_renamed(row, f"{space}/{thread}/{round_}") for row in save])
        plans.append(plan)
    return plans


def _renamed(row: EventRow, space: str) -> StoredEvent:
    originator_id, version, topic, state = row
    original = _originator(originator_id)
    new_id: UUID | str = uuid5(_RENAMES, f"{space}/{originator_id}")
    if not isinstance(original, UUID):
        new_id = f"{original}@{space}"
    return StoredEvent(originator_id=new_id, originator_version=version, topic=topic, state=state)


def _in_threads(plans: list[list[Save]], work: Callable[[Save], object]) -> float:
    """Runs `work` on every save, one thread per plan; returns wall seconds."""
    barrier = threading.Barrier(len(plans) + 1)

    def run(plan: list[Save]) -> None:
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


def _create_raw_table(ddb: Any) -> None:
    """The events table's key schema and billing, without its stream."""
    request = create_table_request(table_definitions(PREFIX)["events"])
    request.pop("StreamSpecification", None)
    request["TableName"] = RAW_TABLE
    ddb.create_table(**request)
    ddb.get_waiter("table_exists").wait(TableName=RAW_TABLE)


def _raw_put(ddb: Any, table: str = RAW_TABLE) -> Callable[[Save], None]:
    def put(save: Save) -> None:
        for event in save:
            ddb.put_item(
                TableName=table,
                Item=event_attributes(event),
                ConditionExpression=VERSION_NOT_TAKEN,
                ExpressionAttributeNames={"#v": "version"},
            )

    return put


def _warm_up(
    ddb: Any, tables: Tables, rows: Sequence[EventRow], per_command: Sequence[int]
) -> None:
    """Untimed: opens the pooled connections and lets the JVM compile both write
    paths, so neither timed run pays for that. Writes to the snapshots table
    (the events table's key schema, no stream), so nothing reaches the stream."""
    scratch = DynamoDBAggregateRecorder(ddb, tables, "snapshots")
    _in_threads(workload(rows, per_command, WARM_UP_EVENTS, space="warm"), scratch.insert_events)
    _in_threads(
        workload(rows, per_command, WARM_UP_EVENTS, space="warm-raw"),
        _raw_put(ddb, tables.snapshots),
    )


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


def measure(
    log_dir: Path, rows: Sequence[EventRow], per_command: Sequence[int], events: int
) -> Results:
    """Starts the engines in `log_dir`, measures, and stops them."""
    plans = workload(rows, per_command, events)
    saves = [save for plan in plans for save in plan]
    count = sum(len(save) for save in saves)
    state_bytes = sum(len(e.state) for save in saves for e in save) / count
    _step("starting DynamoDB Local...")
    start = time.perf_counter()
    engines = start_engines(log_dir)
    try:
        start_s = time.perf_counter() - start
        ddb = client("dynamodb", engines.dynamodb_url, REGION)
        create_tables(ddb, PREFIX)
        _create_raw_table(ddb)
        tables = Tables(PREFIX)
        _warm_up(ddb, tables, rows, per_command)
        _step(f"... appending {count} events through the recorder, {THREADS} threads...")
        recorder = DynamoDBApplicationRecorder(ddb, tables)
        recorder_s = _in_threads(plans, recorder.insert_events)
        _step("... the same items as raw conditional PutItems...")
        raw_s = _in_threads(plans, _raw_put(ddb))
        _step("... indexing the backlog from the stream...")
        indexing = _pump(engines, ddb, tables, Indexer(ddb, tables).handle)
        with _requests(ddb) as requests:
            index_s = _timed_drain(indexing)
        indexed = recorder.max_notification_id() or 0
        _step("... reading the stream alone...")
        read_s = _timed_drain(_pump(engines, ddb, tables, lambda records: None))
    finally:
        engines.stop()
    total_s = time.perf_counter() - start
    return Results(
        count, len(saves), state_bytes, recorder_s, raw_s, index_s, read_s, indexed,
        dict(requests), start_s, total_s,
    )  # fmt: skip


def engine_version() -> str:
    jars = sorted(DYNAMODB_LOCAL.glob("dynamodb_local_*"))
    return jars[-1].name.removeprefix("dynamodb_local_") if jars else "unknown"


def report(result: Results, per_command: Sequence[int]) -> tuple[list[Row], list[str]]:
    """The section's rows and notes."""
    n, threads = result.events, THREADS
    append_rate = n / result.recorder_s
    raw_rate = n / result.raw_s
    index_rate = n / result.index_s
    read_rate = n / result.read_s
    rows = [
        Row(f"DynamoDB: events appended via recorder, {threads} threads",
            rate(n, result.recorder_s, "events"), f"{raw_rate:,.0f} puts/s",
            ratio(append_rate, raw_rate)),
        Row(f"DynamoDB: saves via recorder (1 transaction each), {threads} threads",
            rate(result.saves, result.recorder_s, "saves")),
        Row(f"DynamoDB: raw conditional PutItem, {threads} threads (limit)",
            rate(n, result.raw_s, "puts")),
        Row(f"DynamoDB: events indexed (backlog of {n}, StreamPump + Indexer)",
            rate(n, result.index_s, "events"), f"{append_rate:,.0f} events/s appended",
            ratio(index_rate, append_rate)),
        Row(f"DynamoDB: stream read alone, batches of {STREAM_BATCH}",
            rate(n, result.read_s, "records"), "", ""),
        Row("DynamoDB: indexing ÷ stream read alone", "", "", ratio(index_rate, read_rate)),
    ]  # fmt: skip
    sizes = "/".join(map(str, per_command))
    verdict = "all" if result.indexed == n else f"ONLY {result.indexed}"
    requests = ", ".join(f"{op} {k}" for op, k in sorted(result.index_requests.items()))
    notes = [
        f"DynamoDB Local {engine_version()} (in memory, started in {result.start_s:.1f} s): "
        f"{n} events of the SQLite run ({sizes} per place_order/record_payment save, "
        f"mean state {result.state_bytes:,.0f} bytes), replayed by {threads} threads, each "
        "with its own renamed aggregates. Recorder: one TransactWriteItems per save into "
        "the events table (stream NEW_IMAGE on); limit: one conditional PutItem per event "
        "into a table with the same key schema and no stream.",
        f"DynamoDB absolute times: appends {result.recorder_s:.2f} s, raw puts "
        f"{result.raw_s:.2f} s, indexing the backlog {result.index_s:.2f} s ({verdict} "
        f"{n} events got notification ids), reading the stream alone {result.read_s:.2f} s; "
        f"the whole DynamoDB part {result.total_s:.0f} s.",
        f"indexer requests for the {n} events: {requests}.",
    ]
    return rows, notes


def section(
    log_dir: Path, rows: Sequence[EventRow], per_command: Sequence[int], events: int
) -> tuple[list[Row], list[str], bool]:
    """Rows, notes, and whether the part ran and every appended event was indexed.

    A machine without Java or DynamoDB Local gets a note saying how to install
    them (or to skip the part), not a traceback after the SQLite part's work."""
    try:
        result = measure(log_dir, rows, per_command, events)
    except EngineMissing as error:
        return [], [f"DynamoDB part not run: {error} (or pass --no-dynamodb)."], False
    table_rows, notes = report(result, per_command)
    return table_rows, notes, result.indexed == result.events
