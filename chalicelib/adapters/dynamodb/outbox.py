"""The outbox on DynamoDB: intents the projector committed with its views.
SQS carries their ids to the sender; a claim here is a lease, so a message
delivered twice, or by the sweeper as well, is still sent once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from ...projections.base import Doc, rank_time
from ..outbox_dispatch import OutboxMessage
from .connection import Tables

_OPEN = ("pending", "sending")
_NAMES = {"#status": "status", "#due": "due"}


def _message(item: dict[str, Any]) -> OutboxMessage:
    return OutboxMessage(
        item["id"]["S"],
        item["kind"]["S"],
        json.loads(item["payload"]["S"]),
        int(item["attempts"]["N"]),
    )


class DynamoDBOutbox:
    def __init__(self, ddb: Any, tables: Tables) -> None:
        self.ddb = ddb
        self.table = tables.outbox

    def get(self, message_id: str) -> OutboxMessage | None:
        found = self.ddb.get_item(
            TableName=self.table, Key={"id": {"S": message_id}}, ConsistentRead=True
        )
        item = found.get("Item")
        if item is None or item["status"]["S"] not in _OPEN:
            return None
        return _message(item)

    def due(self, now: datetime, limit: int = 50) -> list[OutboxMessage]:
        found: list[OutboxMessage] = []
        for status in _OPEN:
            answer = self.ddb.query(
                TableName=self.table,
                IndexName="by_status",
                KeyConditionExpression="#status = :status AND #due <= :now",
                ExpressionAttributeNames=_NAMES,
                ExpressionAttributeValues={
                    ":status": {"S": status},
                    ":now": {"S": rank_time(now)},
                },
                Limit=limit,
            )
            found.extend(_message(item) for item in answer["Items"])
        return found[:limit]

    def claim(self, message_id: str, now: datetime, lease: timedelta) -> bool:
        try:
            self.ddb.update_item(
                TableName=self.table,
                Key={"id": {"S": message_id}},
                UpdateExpression="SET #status = :sending, #due = :lease ADD attempts :one",
                ConditionExpression="#status IN (:pending, :sending) AND #due <= :now",
                ExpressionAttributeNames=_NAMES,
                ExpressionAttributeValues={
                    ":sending": {"S": "sending"},
                    ":pending": {"S": "pending"},
                    ":lease": {"S": rank_time(now + lease)},
                    ":now": {"S": rank_time(now)},
                    ":one": {"N": "1"},
                },
            )
        except self.ddb.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def _set(self, message_id: str, **values: str) -> None:
        names = {f"#{k}": k for k in values}
        self.ddb.update_item(
            TableName=self.table,
            Key={"id": {"S": message_id}},
            UpdateExpression="SET " + ", ".join(f"#{k} = :{k}" for k in values),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues={f":{k}": {"S": v} for k, v in values.items()},
        )

    def mark_sent(self, message_id: str, now: datetime) -> None:
        # A sent message leaves the by_status index's open partitions for good.
        self._set(message_id, status="sent", sent_at=rank_time(now), last_error="")

    def mark_retry(self, message_id: str, error: str, at: datetime) -> None:
        self._set(message_id, status="pending", last_error=error, due=rank_time(at))

    def mark_failed(self, message_id: str, error: str) -> None:
        self._set(message_id, status="failed", last_error=error)

    def messages(self, status: str | None = None, limit: int = 200) -> list[Doc]:
        """Recent messages for the admin page, newest first."""
        rows = [self._row(item) for item in self._items(status)]
        rows.sort(key=lambda r: r["created_at"], reverse=True)
        return rows[:limit]

    def _items(self, status: str | None) -> Iterator[dict[str, Any]]:
        if status is None:
            pages = self.ddb.get_paginator("scan").paginate(TableName=self.table)
        else:
            pages = self.ddb.get_paginator("query").paginate(
                TableName=self.table,
                IndexName="by_status",
                KeyConditionExpression="#status = :status",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={":status": {"S": status}},
            )
        for page in pages:
            yield from page["Items"]

    @staticmethod
    def _row(item: dict[str, Any]) -> Doc:
        row: Doc = {k: next(iter(v.values())) for k, v in item.items()}
        row["attempts"] = int(row["attempts"])
        row["payload"] = json.loads(row["payload"])
        return row
