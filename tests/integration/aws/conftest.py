"""Fresh DynamoDB tables (made from infra/tables.tf.json) for every test, on
the suite's DynamoDB Local, and the pieces the AWS event store is made of."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest

from chalicelib.adapters.dynamodb.connection import Tables, client
from chalicelib.adapters.dynamodb.indexer import Indexer
from local.aws_tables import create_tables, delete_tables
from local.engines import REGION, Engines
from local.stream_pump import StreamPump, lambda_record


def new_tables(engines: Engines) -> Tables:
    prefix = f"t{uuid4().hex[:12]}"
    create_tables(engines.client("dynamodb"), prefix)
    return Tables(prefix)


def dynamodb(engines: Engines) -> Any:
    """The shared client the runtime uses (pooled, retrying), aimed at DynamoDB Local."""
    return client("dynamodb", engines.dynamodb_url, REGION)


def stream_arn(ddb: Any, table: str) -> str:
    arn: str = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    return arn


def indexing_pump(engines: Engines, tables: Tables, **options: Any) -> StreamPump:
    """The events table's stream delivered to the real indexer, as Lambda would."""
    indexer = Indexer(dynamodb(engines), tables)

    def index_events(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return dict(indexer.handle(event["Records"]))

    routes = {stream_arn(dynamodb(engines), tables.events): index_events}
    return StreamPump(engines.client("dynamodbstreams"), routes, region=REGION, **options)


@pytest.fixture
def tables(engines: Engines) -> Iterator[Tables]:
    fresh = new_tables(engines)
    yield fresh
    delete_tables(engines.client("dynamodb"), fresh.prefix)


@pytest.fixture
def ddb(engines: Engines) -> Any:
    return dynamodb(engines)


@pytest.fixture
def streams(engines: Engines) -> Any:
    return engines.client("dynamodbstreams")


def stream_records(engines: Engines, table: str) -> list[dict[str, Any]]:
    """Every record of the table's stream so far, in Lambda's event shape."""
    streams = engines.client("dynamodbstreams")
    arn = stream_arn(dynamodb(engines), table)
    records: list[dict[str, Any]] = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            response = streams.get_records(ShardIterator=iterator, Limit=1000)
            if not response["Records"]:
                break
            records.extend(lambda_record(r, arn, REGION) for r in response["Records"])
            iterator = response.get("NextShardIterator")
    return records


def log_items(ddb: Any, tables: Tables) -> list[dict[str, Any]]:
    """The whole log table (head, pages, cursors), in key order."""
    items: list[dict[str, Any]] = []
    request: dict[str, Any] = {"TableName": tables.log, "ConsistentRead": True}
    while True:
        response = ddb.scan(**request)
        items.extend(response["Items"])
        if "LastEvaluatedKey" not in response:
            return sorted(items, key=lambda i: (i["pk"]["S"], int(i["sk"]["N"])))
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
