"""The indexer: gives events their notification ids, from the events table's stream.

Commits never contend on a counter; only this Lambda does, once per batch.
Each chunk of records is appended to the log in one transaction that moves
`head.next` by compare-and-set, puts the new page(s) and moves the cursor of
every stream it touched. Events at or below their stream's cursor are already
in the log, so a redelivered batch adds nothing. Ids follow the stream's record
order, except that one aggregate's events always go in version order: records
of one stream are put in version order in the places they occupied, and a
stream whose versions would skip (records delivered out of order) is read from
the events table first, so no earlier version is ever left behind a cursor."""

from __future__ import annotations

import logging
import random
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import DatabaseError, IntegrityError, OperationalError

from .connection import MAX_TRANSACTION_ITEMS, Tables, transact
from .items import originator_id_of
from .log import HEAD_KEY, PAGE_BYTES, LogEvent, cursor_key, put_page, split_pages
from .recorders import DynamoDBAggregateRecorder

log = logging.getLogger(__name__)

BatchResponse = dict[str, list[dict[str, str]]]
# A chunk's cursors and the head are read in one BatchGetItem (at most 100 keys).
MAX_CHUNK_STREAMS = MAX_TRANSACTION_ITEMS - 2
# TransactWriteItems accepts 4 MB; leave room for keys and expressions.
MAX_TRANSACTION_BYTES = 3 * 1024 * 1024
# The version of an aggregate's first event: no stream holds anything before it.
FIRST_VERSION = Aggregate.INITIAL_VERSION


@dataclass(frozen=True)
class Record:
    """An INSERT of the events table, as the stream delivered it."""

    sequence: str
    event: LogEvent


@dataclass
class Head:
    next_id: int
    exists: bool

    def update(self, table: str, count: int) -> dict[str, Any]:
        """Moves the head by `count`, only from the value this chunk read."""
        action: dict[str, Any] = {
            "TableName": table,
            "Key": HEAD_KEY,
            "UpdateExpression": "SET #n = :next",
            "ExpressionAttributeNames": {"#n": "next"},
            "ExpressionAttributeValues": {":next": {"N": str(self.next_id + count)}},
        }
        if self.exists:
            action["ConditionExpression"] = "#n = :expected"
            action["ExpressionAttributeValues"][":expected"] = {"N": str(self.next_id)}
        else:
            action["ConditionExpression"] = "attribute_not_exists(pk)"
        return {"Update": action}


class Indexer:
    def __init__(
        self, ddb: Any, tables: Tables, *, max_attempts: int = 8, page_bytes: int = PAGE_BYTES
    ) -> None:
        self.ddb = ddb
        self.tables = tables
        self.max_attempts = max_attempts
        self.page_bytes = page_bytes
        self.events = DynamoDBAggregateRecorder(ddb, tables)

    def handle(self, records: Sequence[dict[str, Any]]) -> BatchResponse:
        """Indexes a Lambda stream batch; on failure names the first record
        not indexed, so Lambda retries from there (earlier chunks are done)."""
        from botocore.exceptions import BotoCoreError, ClientError

        for chunk in self.chunks(self.parse(records)):
            try:
                self.index_chunk(chunk)
            except (DatabaseError, BotoCoreError, ClientError):
                log.exception("indexing failed from sequence number %s", chunk[0].sequence)
                return {"batchItemFailures": [{"itemIdentifier": chunk[0].sequence}]}
        return {"batchItemFailures": []}

    def parse(self, records: Sequence[dict[str, Any]]) -> list[Record]:
        marker = f":table/{self.tables.events}/"
        parsed = []
        for record in records:
            if record.get("eventName") != "INSERT":
                continue
            if marker not in record.get("eventSourceARN", marker):
                continue
            change = record["dynamodb"]
            parsed.append(
                Record(change["SequenceNumber"], LogEvent.from_event_item(change["NewImage"]))
            )
        return parsed

    @staticmethod
    def chunks(records: Sequence[Record]) -> Iterator[list[Record]]:
        """Consecutive records touching at most MAX_CHUNK_STREAMS streams."""
        chunk: list[Record] = []
        streams: set[str] = set()
        for record in records:
            if record.event.stream not in streams and len(streams) == MAX_CHUNK_STREAMS:
                yield chunk
                chunk, streams = [], set()
            chunk.append(record)
            streams.add(record.event.stream)
        if chunk:
            yield chunk

    def index_chunk(self, chunk: Sequence[Record]) -> int:
        """Appends the chunk's new events; returns how many. A lost race for the
        head (another shard's indexer) is retried from a fresh read."""
        for attempt in range(1, self.max_attempts + 1):
            try:
                return self._append(chunk)
            except (IntegrityError, OperationalError):
                if attempt == self.max_attempts:
                    raise
                time.sleep(random.uniform(0.005, 0.02) * attempt)
        return 0

    def _append(self, chunk: Sequence[Record]) -> int:
        head, cursors = self._read_state([r.event.stream for r in chunk])
        events = self._plan(chunk, cursors)
        for transaction in self._transactions(events):
            actions = [head.update(self.tables.log, len(transaction))]
            first = head.next_id
            for page in split_pages(transaction, self.page_bytes):
                actions.append(put_page(self.tables.log, first, page))
                first += len(page)
            last_versions = {event.stream: event.version for event in transaction}
            actions.extend(self._cursor_update(s, v) for s, v in last_versions.items())
            transact(self.ddb, actions)
            head = Head(head.next_id + len(transaction), exists=True)
        return len(events)

    def _read_state(self, streams: Sequence[str]) -> tuple[Head, dict[str, int]]:
        keys = [HEAD_KEY, *(cursor_key(s) for s in dict.fromkeys(streams))]
        request: dict[str, Any] = {self.tables.log: {"Keys": keys, "ConsistentRead": True}}
        items: list[dict[str, Any]] = []
        while request:
            response = self.ddb.batch_get_item(RequestItems=request)
            items.extend(response["Responses"].get(self.tables.log, []))
            request = response.get("UnprocessedKeys") or {}
            if request:
                time.sleep(0.01)
        head = Head(1, exists=False)
        cursors: dict[str, int] = {}
        for item in items:
            pk = item["pk"]["S"]
            if pk == HEAD_KEY["pk"]["S"]:
                head = Head(int(item["next"]["N"]), exists=True)
            else:
                cursors[pk.removeprefix("cursor#")] = int(item["version"]["N"])
        return head, cursors

    def _plan(self, chunk: Sequence[Record], cursors: dict[str, int]) -> list[LogEvent]:
        """The chunk's new events in log order (see the module docstring)."""
        slots: list[str] = []
        seen: dict[str, dict[int, LogEvent]] = {}
        for record in chunk:
            event = record.event
            versions = seen.setdefault(event.stream, {})
            if event.version <= cursors.get(event.stream, -(2**63)) or event.version in versions:
                continue
            versions[event.version] = event
            slots.append(event.stream)
        queues: dict[str, deque[LogEvent]] = {}
        remaining: dict[str, int] = {}
        for stream, versions in seen.items():
            if versions:
                queues[stream] = deque(self._complete(stream, cursors.get(stream), versions))
                remaining[stream] = len(versions)
        planned: list[LogEvent] = []
        for stream in slots:
            queue = queues[stream]
            remaining[stream] -= 1
            while len(queue) > remaining[stream]:
                planned.append(queue.popleft())
        return planned

    def _complete(
        self, stream: str, cursor: int | None, seen: dict[int, LogEvent]
    ) -> list[LogEvent]:
        """The stream's versions after its cursor up to the highest seen, in order.

        Versions follow on from the cursor without a gap in the usual case. A
        stream the log has no cursor for starts at the first version an
        aggregate can have, so a new stream whose records start there and
        follow on needs no read either. A stream that skips is read from the
        events table."""
        ordered = sorted(seen)
        after = FIRST_VERSION - 1 if cursor is None else cursor
        if ordered == list(range(after + 1, after + 1 + len(ordered))):
            return [seen[v] for v in ordered]
        originator_id = originator_id_of(stream, seen[ordered[0]].is_uuid)
        stored = self.events.select_events(originator_id, gt=cursor, lte=ordered[-1])
        complete = {**seen, **{e.originator_version: LogEvent.from_stored(e) for e in stored}}
        return [complete[v] for v in sorted(complete)]

    def _transactions(self, events: Sequence[LogEvent]) -> Iterator[list[LogEvent]]:
        """Runs of events that fit one transaction: the head, their pages and
        their cursors within 100 actions, and their bytes within 4 MB."""
        run: list[LogEvent] = []
        streams: set[str] = set()
        size = page_size = pages = 0
        for event in events:
            new_page = pages == 0 or page_size + event.size() > self.page_bytes
            grown_streams = len(streams | {event.stream})
            actions = 1 + pages + int(new_page) + grown_streams
            if run and (
                actions > MAX_TRANSACTION_ITEMS or size + event.size() > MAX_TRANSACTION_BYTES
            ):
                yield run
                run, streams, size, page_size, pages = [], set(), 0, 0, 0
                new_page = True
            if new_page:
                pages += 1
                page_size = 0
            run.append(event)
            streams.add(event.stream)
            size += event.size()
            page_size += event.size()
        if run:
            yield run

    def _cursor_update(self, stream: str, version: int) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self.tables.log,
                "Key": cursor_key(stream),
                "UpdateExpression": "SET #v = :v",
                "ConditionExpression": "attribute_not_exists(pk) OR #v < :v",
                "ExpressionAttributeNames": {"#v": "version"},
                "ExpressionAttributeValues": {":v": {"N": str(version)}},
            }
        }
