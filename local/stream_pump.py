"""Lambda's DynamoDB event source mapping, on loopback.

Reads DynamoDB Streams (DynamoDB Local's, in tests) and calls each route's
handler exactly as Lambda calls a Chalice `on_dynamodb_record` function:
`handler({"Records": [...]}, None)` with the records in Lambda's JSON shape.
Like Lambda it reads each shard in order (a child only after its parent),
delivers one batch per shard at a time, retries a batch whose handler raised,
and honours a partial-batch response by redelivering from the sequence number
it names. Nothing is skipped, so the handlers are tested on the delivery
semantics they get in production."""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any], Any], Any]


def _json_value(value: Any) -> Any:
    """boto3's parsed value as Lambda's JSON has it: blobs as base64, times as epoch seconds."""
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    if isinstance(value, datetime):
        seconds = value.timestamp()
        return int(seconds) if seconds.is_integer() else seconds
    return value


def lambda_record(record: dict[str, Any], arn: str, region: str) -> dict[str, Any]:
    """One GetRecords record as a record of Lambda's event."""
    shaped = {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": _json_value(record["dynamodb"]),
        "eventSourceARN": arn,
    }
    parsed: dict[str, Any] = json.loads(json.dumps(shaped))
    return parsed


@dataclass
class _Shard:
    shard_id: str
    parent_id: str | None
    iterator: str | None = None
    position: str = ""  # the last sequence number read, to resume an expired iterator
    pending: list[dict[str, Any]] = field(default_factory=list)
    closed: bool = False

    @property
    def finished(self) -> bool:
        return self.closed and not self.pending


@dataclass
class _Route:
    arn: str
    handler: Handler
    lock: threading.Lock = field(default_factory=threading.Lock)
    shards: dict[str, _Shard] = field(default_factory=dict)
    discovered_at: float = 0.0


class StreamPump:
    """Delivers stream records to handlers; `drain`, `start`/`stop`, `settle`."""

    def __init__(
        self,
        streams_client: Any,
        routes: dict[str, Handler],
        *,
        batch_size: int = 100,
        region: str = "us-east-1",
        rediscover_s: float = 5.0,
    ) -> None:
        self.streams = streams_client
        self.routes = [_Route(arn, handler) for arn, handler in routes.items()]
        self.batch_size = batch_size
        self.region = region
        self.rediscover_s = rediscover_s
        self._activity = threading.Condition()
        self._busy = 0
        self._started = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poll(self) -> int:
        """One pass: at most one batch per readable shard of every route.
        Returns how many records were handed to handlers."""
        return sum(self._poll_route(route) for route in self.routes)

    def drain(self, timeout_s: float = 60.0) -> int:
        """Passes until one delivers nothing; returns the records delivered."""
        deadline = time.monotonic() + timeout_s
        total = 0
        while delivered := self.poll():
            total += delivered
            if time.monotonic() > deadline:
                raise TimeoutError(f"streams still delivering after {timeout_s}s")
        return total

    def settle(self, timeout_s: float = 30.0) -> None:
        """Returns once a full pass delivered nothing while no handler ran
        (here or in the background thread); raises TimeoutError otherwise."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self._activity:
                self._activity.wait_for(lambda: self._busy == 0, deadline - time.monotonic())
                started = self._started
            delivered = self.poll()
            with self._activity:
                if delivered == 0 and self._started == started and self._busy == 0:
                    return
        raise TimeoutError(f"streams did not settle within {timeout_s}s")

    def start(self, interval_s: float = 0.05) -> None:
        """Polls in a background thread until stop()."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, args=(interval_s,), name="stream-pump", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self, interval_s: float) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        while not self._stop.is_set():
            try:
                delivered = self.poll()
            except (BotoCoreError, ClientError) as error:  # the engine hiccuped: poll again
                log.warning("reading the streams failed: %r", error)
                delivered = 0
            if delivered == 0:
                self._stop.wait(interval_s)

    def _poll_route(self, route: _Route) -> int:
        with route.lock:
            if not route.shards or time.monotonic() - route.discovered_at > self.rediscover_s:
                self._discover(route)
            delivered = 0
            for shard in list(route.shards.values()):
                parent = route.shards.get(shard.parent_id or "")
                if shard.finished or (parent is not None and not parent.finished):
                    continue
                delivered += self._poll_shard(route, shard)
                if shard.closed and not shard.pending:
                    route.discovered_at = 0.0  # a closed shard's children appear now
            return delivered

    def _discover(self, route: _Route) -> None:
        request: dict[str, Any] = {"StreamArn": route.arn}
        while True:
            description = self.streams.describe_stream(**request)["StreamDescription"]
            for shard in description["Shards"]:
                if shard["ShardId"] not in route.shards:
                    route.shards[shard["ShardId"]] = _Shard(
                        shard["ShardId"], shard.get("ParentShardId")
                    )
            last = description.get("LastEvaluatedShardId")
            if not last:
                break
            request["ExclusiveStartShardId"] = last
        route.discovered_at = time.monotonic()

    def _poll_shard(self, route: _Route, shard: _Shard) -> int:
        records = shard.pending
        if not records:
            records = self._read(route, shard)
        if not records:
            return 0
        shard.pending = self._deliver(route, records)
        return len(records)

    def _read(self, route: _Route, shard: _Shard) -> list[dict[str, Any]]:
        stale = (
            self.streams.exceptions.ExpiredIteratorException,
            self.streams.exceptions.TrimmedDataAccessException,
        )
        try:
            response = self._get_records(route, shard)
        except stale:
            # Iterators expire; and DynamoDB Local refuses a TRIM_HORIZON iterator
            # taken while the shard was empty once records arrive. Resume afresh.
            shard.iterator = None
            response = self._get_records(route, shard)
        shard.iterator = response.get("NextShardIterator")
        shard.closed = shard.iterator is None
        records = response["Records"]
        if records:
            shard.position = records[-1]["dynamodb"]["SequenceNumber"]
        return [lambda_record(r, route.arn, self.region) for r in records]

    def _get_records(self, route: _Route, shard: _Shard) -> Any:
        if shard.iterator is None:
            shard.iterator = self._iterator(route, shard)
        return self.streams.get_records(ShardIterator=shard.iterator, Limit=self.batch_size)

    def _iterator(self, route: _Route, shard: _Shard) -> str:
        """From the start of a shard first read, else just after the last record read."""
        request = {"StreamArn": route.arn, "ShardId": shard.shard_id}
        if shard.position:
            request.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=shard.position)
        else:
            request["ShardIteratorType"] = "TRIM_HORIZON"
        iterator: str = self.streams.get_shard_iterator(**request)["ShardIterator"]
        return iterator

    def _deliver(self, route: _Route, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Calls the handler; returns the records to deliver again next time."""
        with self._activity:
            self._busy += 1
            self._started += 1
        try:
            response = route.handler({"Records": records}, None)
        except Exception as error:  # whatever a handler raises, Lambda retries the batch
            log.error("handler for %s failed, will retry: %r", route.arn, error, exc_info=error)
            return records
        finally:
            with self._activity:
                self._busy -= 1
                self._activity.notify_all()
        failures = (response or {}).get("batchItemFailures") or []
        if not failures:
            return []
        failed = failures[0]["itemIdentifier"]
        sequences = [r["dynamodb"]["SequenceNumber"] for r in records]
        return records[sequences.index(failed) :] if failed in sequences else records
