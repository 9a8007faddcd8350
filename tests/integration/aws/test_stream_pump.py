"""The local stand-in for Lambda's stream event source: the shape of what it
delivers and its retry semantics, on DynamoDB Local's stream."""

from __future__ import annotations

import base64
import json
from typing import Any

from chalicelib.adapters.dynamodb.connection import Tables
from local.engines import REGION, Engines
from local.stream_pump import StreamPump

from .conftest import stream_arn


def put(ddb: Any, tables: Tables, stream: str, count: int) -> None:
    for version in range(1, count + 1):
        item = {
            "stream": {"S": stream},
            "version": {"N": str(version)},
            "topic": {"S": "t"},
            "state": {"B": b"\x00\xff"},
            "uuid": {"BOOL": False},
        }
        ddb.put_item(TableName=tables.events, Item=item)


class Recording:
    """A handler that records what it got and fails as told."""

    def __init__(self, raise_times: int = 0, fail_at: int | None = None) -> None:
        self.events: list[dict[str, Any]] = []
        self.raise_times = raise_times
        self.fail_at = fail_at

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        assert context is None
        self.events.append(event)
        if self.raise_times:
            self.raise_times -= 1
            raise RuntimeError("handler failed")
        records = event["Records"]
        if self.fail_at is not None and len(records) > self.fail_at:
            failed = records[self.fail_at]["dynamodb"]["SequenceNumber"]
            self.fail_at = None
            return {"batchItemFailures": [{"itemIdentifier": failed}]}
        return {"batchItemFailures": []}

    def delivered(self) -> list[int]:
        return [v for batch in self.versions() for v in batch]

    def versions(self) -> list[list[int]]:
        return [
            [int(r["dynamodb"]["Keys"]["version"]["N"]) for r in e["Records"]] for e in self.events
        ]


def test_events_have_lambdas_shape(engines: Engines, ddb: Any, tables: Tables) -> None:
    put(ddb, tables, "a", 1)
    arn = stream_arn(ddb, tables.events)
    handler = Recording()
    StreamPump(engines.client("dynamodbstreams"), {arn: handler}, region=REGION).drain()

    [event] = handler.events
    [record] = event["Records"]
    assert json.loads(json.dumps(event)) == event
    assert record["eventName"] == "INSERT"
    assert record["eventVersion"] == "1.1"
    assert record["eventSource"] == "aws:dynamodb"
    assert record["eventSourceARN"] == arn
    assert record["awsRegion"] == REGION
    change = record["dynamodb"]
    assert isinstance(change["ApproximateCreationDateTime"], int | float)
    assert base64.b64decode(change["NewImage"]["state"]["B"]) == b"\x00\xff"
    assert change["Keys"] == {"stream": {"S": "a"}, "version": {"N": "1"}}
    assert change["SequenceNumber"]


def test_a_raising_handler_gets_the_same_batch_again(
    engines: Engines, ddb: Any, tables: Tables
) -> None:
    put(ddb, tables, "a", 5)
    handler = Recording(raise_times=2)
    pump = StreamPump(
        engines.client("dynamodbstreams"), {stream_arn(ddb, tables.events): handler}, batch_size=3
    )
    assert pump.drain() == 3 + 3 + 3 + 2
    assert handler.versions() == [[1, 2, 3], [1, 2, 3], [1, 2, 3], [4, 5]]


def test_a_partial_failure_is_redelivered_from_the_reported_record(
    engines: Engines, ddb: Any, tables: Tables
) -> None:
    put(ddb, tables, "a", 6)
    handler = Recording(fail_at=2)
    pump = StreamPump(
        engines.client("dynamodbstreams"), {stream_arn(ddb, tables.events): handler}, batch_size=4
    )
    pump.drain()
    assert handler.versions() == [[1, 2, 3, 4], [3, 4], [5, 6]]


def test_settle_waits_for_the_background_thread_and_new_records(
    engines: Engines, ddb: Any, tables: Tables
) -> None:
    handler = Recording()
    pump = StreamPump(
        engines.client("dynamodbstreams"), {stream_arn(ddb, tables.events): handler}, batch_size=2
    )
    pump.start(interval_s=0.01)
    try:
        put(ddb, tables, "a", 5)
        pump.settle(timeout_s=30)
        assert handler.delivered() == [1, 2, 3, 4, 5]
        put(ddb, tables, "b", 1)
        pump.settle(timeout_s=30)
        assert len(handler.delivered()) == 6
    finally:
        pump.stop()
    assert pump.drain() == 0
