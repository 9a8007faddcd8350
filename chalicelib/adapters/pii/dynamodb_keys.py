"""Members' keys in DynamoDB (AWS runtime): the `<prefix>-keys` table, one item
per member, {member_id (S), key (B), created_at (S)}. Reads are strongly
consistent, so a deleted key is gone for every function at once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

_ATTEMPTS = 5


class DynamoDBKeyStore:
    def __init__(self, ddb: Any, table_name: str) -> None:
        self.ddb = ddb
        self.table = table_name

    def get(self, member_id: UUID) -> bytes | None:
        found = self.ddb.get_item(
            TableName=self.table, Key={"member_id": {"S": str(member_id)}}, ConsistentRead=True
        )
        item = found.get("Item")
        return bytes(item["key"]["B"]) if item else None

    def put_if_absent(self, member_id: UUID, key: bytes) -> bytes:
        """Ours if the member had no key, else the stored one; if that is deleted
        between the refused put and the read, the put is tried again."""
        for _ in range(_ATTEMPTS):
            try:
                self.ddb.put_item(
                    TableName=self.table,
                    Item={
                        "member_id": {"S": str(member_id)},
                        "key": {"B": key},
                        "created_at": {"S": datetime.now(UTC).isoformat(timespec="milliseconds")},
                    },
                    ConditionExpression="attribute_not_exists(member_id)",
                )
            except self.ddb.exceptions.ConditionalCheckFailedException:
                stored = self.get(member_id)
                if stored is not None:
                    return stored
            else:
                return key
        raise RuntimeError(f"the key of member {member_id} keeps being created and deleted")

    def delete(self, member_id: UUID) -> None:
        self.ddb.delete_item(TableName=self.table, Key={"member_id": {"S": str(member_id)}})
