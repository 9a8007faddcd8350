"""Creates the DynamoDB tables on a local engine from infra/tables.tf.json, the
file Terraform itself reads, so the tables the tests run on are the deployed ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TABLES_TF = Path(__file__).resolve().parent.parent / "infra" / "tables.tf.json"


def table_definitions(prefix: str) -> dict[str, dict[str, Any]]:
    """Terraform's `aws_dynamodb_table` blocks, keyed by resource name, with the
    prefix variable filled in."""
    text = TABLES_TF.read_text().replace("${var.prefix}", prefix)
    tables: dict[str, dict[str, Any]] = json.loads(text)["resource"]["aws_dynamodb_table"]
    return tables


def _key_schema(block: dict[str, Any]) -> list[dict[str, str]]:
    schema = [{"AttributeName": block["hash_key"], "KeyType": "HASH"}]
    if "range_key" in block:
        schema.append({"AttributeName": block["range_key"], "KeyType": "RANGE"})
    return schema


def create_table_request(block: dict[str, Any]) -> dict[str, Any]:
    """The CreateTable request equivalent to one Terraform table block."""
    request: dict[str, Any] = {
        "TableName": block["name"],
        "BillingMode": block["billing_mode"],
        "KeySchema": _key_schema(block),
        "AttributeDefinitions": [
            {"AttributeName": a["name"], "AttributeType": a["type"]} for a in block["attribute"]
        ],
    }
    indexes = block.get("global_secondary_index", [])
    if indexes:
        request["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index["name"],
                "KeySchema": _key_schema(index),
                "Projection": {"ProjectionType": index["projection_type"]},
            }
            for index in indexes
        ]
    if block.get("stream_enabled"):
        request["StreamSpecification"] = {
            "StreamEnabled": True,
            "StreamViewType": block["stream_view_type"],
        }
    return request


def create_tables(dynamodb: Any, prefix: str) -> dict[str, str]:
    """Creates every table (idempotently); returns resource name -> table name."""
    names = {}
    existing = set(dynamodb.list_tables()["TableNames"])
    for resource, block in table_definitions(prefix).items():
        names[resource] = block["name"]
        if block["name"] not in existing:
            dynamodb.create_table(**create_table_request(block))
    waiter = dynamodb.get_waiter("table_exists")
    for name in names.values():
        waiter.wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    for block in table_definitions(prefix).values():
        if "ttl" in block and block["name"] not in existing:
            dynamodb.update_time_to_live(
                TableName=block["name"],
                TimeToLiveSpecification={
                    "Enabled": block["ttl"]["enabled"],
                    "AttributeName": block["ttl"]["attribute_name"],
                },
            )
    return names


def delete_tables(dynamodb: Any, prefix: str) -> None:
    existing = set(dynamodb.list_tables()["TableNames"])
    for block in table_definitions(prefix).values():
        if block["name"] in existing:
            dynamodb.delete_table(TableName=block["name"])
