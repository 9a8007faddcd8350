"""Idempotency keys in DynamoDB (AWS runtime): the `<prefix>-idempotency` table,
one item per key, {pk (S), fingerprint (S), claim_id (S), lease_until (N),
expires_at (N), purge_at (N), answer_status (N), answer_headers (S, JSON),
answer_body (S)}; times in epoch seconds.

`lease_until` and `expires_at` come from the injected clock and decide what a
claim finds. `purge_at` is the table's TTL attribute: DynamoDB deletes by its
own wall clock, lazily, so it is set from the wall time and never before
`expires_at`; an item past `expires_at` counts as absent whether or not TTL has
removed it yet."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import OperationalError

from .types import Claim, KeyRecord, StoredAnswer

_ATTEMPTS = 5
_FREE = (
    "attribute_not_exists(pk) OR expires_at <= :now"
    " OR (attribute_not_exists(answer_status) AND lease_until <= :now)"
)

_ANSWER = "SET answer_status = :s, answer_headers = :h, answer_body = :b"


@contextmanager
def _unavailable() -> Iterator[None]:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except (BotoCoreError, ClientError) as error:
        raise OperationalError(f"idempotency keys: {error}") from error


class DynamoDBIdempotencyKeys:
    def __init__(
        self, ddb: Any, table_name: str, *, wall_time: Callable[[], float] = time.time
    ) -> None:
        self.ddb = ddb
        self.table = table_name
        self.wall_time = wall_time

    def claim(self, scope: str, claim: Claim) -> KeyRecord | None:
        """A refused put reads the holder; if that is gone or lapsed by then
        (released, expired), the put is tried again."""
        now, expires_at = claim.now.timestamp(), claim.expires_at.timestamp()
        keep = expires_at - now
        item = {
            "pk": {"S": scope},
            "fingerprint": {"S": claim.fingerprint},
            "claim_id": {"S": claim.claim_id},
            "lease_until": {"N": repr(claim.lease_until.timestamp())},
            "expires_at": {"N": str(math.ceil(expires_at))},
            "purge_at": {"N": str(math.ceil(max(expires_at, self.wall_time() + keep)))},
        }
        with _unavailable():
            for _ in range(_ATTEMPTS):
                try:
                    self.ddb.put_item(
                        TableName=self.table,
                        Item=item,
                        ConditionExpression=_FREE,
                        ExpressionAttributeValues={":now": {"N": repr(now)}},
                    )
                except self.ddb.exceptions.ConditionalCheckFailedException:
                    held = self._live(scope, now)
                    if held is not None:
                        return held
                else:
                    return None
        raise OperationalError(f"idempotency key {scope!r} keeps being claimed and freed")

    def _live(self, scope: str, now: float) -> KeyRecord | None:
        found = self.ddb.get_item(
            TableName=self.table, Key={"pk": {"S": scope}}, ConsistentRead=True
        )
        item = found.get("Item")
        if item is None or float(item["expires_at"]["N"]) <= now:
            return None
        if "answer_status" not in item:
            if float(item["lease_until"]["N"]) <= now:
                return None
            return KeyRecord(item["fingerprint"]["S"], None)
        answer = StoredAnswer(
            int(item["answer_status"]["N"]),
            item["answer_body"]["S"],
            json.loads(item["answer_headers"]["S"]),
        )
        return KeyRecord(item["fingerprint"]["S"], answer)

    def complete(self, scope: str, claim_id: str, answer: StoredAnswer) -> None:
        with _unavailable():
            try:
                self.ddb.update_item(
                    TableName=self.table,
                    Key={"pk": {"S": scope}},
                    UpdateExpression=_ANSWER,
                    ConditionExpression="claim_id = :c",
                    ExpressionAttributeValues={
                        ":s": {"N": str(answer.status)},
                        ":h": {"S": json.dumps(answer.headers)},
                        ":b": {"S": answer.body},
                        ":c": {"S": claim_id},
                    },
                )
            except self.ddb.exceptions.ConditionalCheckFailedException:
                return  # the claim lapsed and another request took the key

    def release(self, scope: str, claim_id: str) -> None:
        with _unavailable():
            try:
                self.ddb.delete_item(
                    TableName=self.table,
                    Key={"pk": {"S": scope}},
                    ConditionExpression="claim_id = :c",
                    ExpressionAttributeValues={":c": {"S": claim_id}},
                )
            except self.ddb.exceptions.ConditionalCheckFailedException:
                return  # no longer ours to free
