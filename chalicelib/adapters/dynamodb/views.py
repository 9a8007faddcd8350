"""Read models in DynamoDB. A projection's view writes, its outbox intents and
the move of its tracking position commit in one TransactWriteItems whose
condition is the position the runner read, so processing is exactly-once in
effect and a crashed projector resumes where its last commit left off. The
parts of several projections share a TransactWriteItems as far as its
100-item limit allows (a part over 100 spills its blind writes into
transactions of their own first: see view_writes.py's DynamoDBViewTransaction).
A batch reads each view key once: later reads of it, and reads of keys it
wrote or deleted, are served from the batch. A generation parked at an event
it failed on carries the park on its tracking item (`park`, JSON), so dropping
the generation drops the park too; a generation being dropped has position -1
on it until its items are gone, so no runner commits to it meanwhile."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import PersistenceError

from ...projections.base import Doc, Park
from .connection import MAX_TRANSACTION_ITEMS, Tables, transact
from .view_writes import DynamoDBViewTransaction, generation_name, group_key, item_key

Enqueued = Callable[[list[str]], None]


def _doc(item: dict[str, Any]) -> Doc:
    doc: Doc = json.loads(item["doc"]["S"])
    return doc


class DynamoDBViewStore:
    def __init__(
        self, ddb: Any, tables: Tables, now: Callable[[], str], on_enqueued: Enqueued
    ) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        self.ddb = ddb
        self.tables = tables
        self.now = now
        self.on_enqueued = on_enqueued
        self.storage_errors: tuple[type[Exception], ...] = (
            BotoCoreError,
            ClientError,
            PersistenceError,
        )

    # -- items -------------------------------------------------------------------
    def read_item(self, pk: str) -> Doc | None:
        text = self.read_text(pk)
        doc: Doc | None = None if text is None else json.loads(text)
        return doc

    def read_text(self, pk: str) -> str | None:
        """The JSON of an item's doc, read consistently; None if there is no item."""
        found = self.ddb.get_item(
            TableName=self.tables.views, Key={"pk": {"S": pk}}, ConsistentRead=True
        )
        return str(found["Item"]["doc"]["S"]) if "Item" in found else None

    def outbox_has(self, message_id: str) -> bool:
        found = self.ddb.get_item(
            TableName=self.tables.outbox,
            Key={"id": {"S": message_id}},
            ConsistentRead=True,
            ProjectionExpression="#id",
            ExpressionAttributeNames={"#id": "id"},
        )
        return "Item" in found

    def _number(self, pk: str, attribute: str) -> int | None:
        found = self.ddb.get_item(
            TableName=self.tables.views, Key={"pk": {"S": pk}}, ConsistentRead=True
        )
        return int(found["Item"][attribute]["N"]) if "Item" in found else None

    # -- generations and positions -------------------------------------------------
    def generation(self, projection: str) -> int:
        return self._number(f"generation#{projection}", "generation") or 1

    def position(self, projection: str, generation: int) -> int:
        name = generation_name(projection, generation)
        return self._number(f"tracking#{name}", "notification_id") or 0

    def generations(self, projections: Sequence[str]) -> dict[str, int]:
        items = self._items([f"generation#{p}" for p in projections])
        return {
            p: int(items[f"generation#{p}"]["generation"]["N"]) if f"generation#{p}" in items else 1
            for p in projections
        }

    def standing(self, generations: Mapping[str, int]) -> dict[str, int | None]:
        keys = {f"tracking#{generation_name(p, g)}": p for p, g in generations.items()}
        items = self._items(list(keys))
        standing: dict[str, int | None] = {}
        for key, projection in keys.items():
            item = items.get(key, {})
            if "park" in item:
                standing[projection] = None
            else:
                standing[projection] = int(item["notification_id"]["N"]) if item else 0
        return standing

    def _items(self, pks: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The views table's items of those keys, read consistently with
        BatchGetItem (100 keys a request), by key; a missing item is absent."""
        found: dict[str, dict[str, Any]] = {}
        unique = list(dict.fromkeys(pks))
        for start in range(0, len(unique), 100):
            keys = [{"pk": {"S": pk}} for pk in unique[start : start + 100]]
            request: dict[str, Any] = {self.tables.views: {"Keys": keys, "ConsistentRead": True}}
            while request:
                answer = self.ddb.batch_get_item(RequestItems=request)
                for item in answer["Responses"].get(self.tables.views, []):
                    found[item["pk"]["S"]] = item
                request = answer.get("UnprocessedKeys") or {}
                if request:
                    time.sleep(0.01)  # throttled: DynamoDB returned part of the keys
        return found

    @contextmanager
    def transaction(self) -> Iterator[DynamoDBViewTransaction]:
        """Sends the parts when the block ends, whole parts packed into as few
        TransactWriteItems as the 100-item limit allows; the messages due now
        go on the queue after the transaction that wrote them."""
        transaction = DynamoDBViewTransaction(self)
        yield transaction
        for spill in transaction.spills:
            transact(self.ddb, spill)
        actions: list[dict[str, Any]] = []
        enqueued: list[str] = []
        for part_actions, part_enqueued in transaction.parts:
            if len(actions) + len(part_actions) > MAX_TRANSACTION_ITEMS:
                self._send(actions, enqueued)
                actions, enqueued = [], []
            actions.extend(part_actions)
            enqueued.extend(part_enqueued)
        self._send(actions, enqueued)

    def _send(self, actions: list[dict[str, Any]], enqueued: list[str]) -> None:
        transact(self.ddb, actions)
        if enqueued:
            self.on_enqueued(enqueued)

    def move(self, projection: str, generation: int, after: int, upto: int) -> dict[str, Any]:
        name = generation_name(projection, generation)
        if after == 0:
            condition = "attribute_not_exists(pk) OR notification_id = :after"
        else:
            condition = "notification_id = :after"
        return {
            "Update": {
                "TableName": self.tables.views,
                "Key": {"pk": {"S": f"tracking#{name}"}},
                "UpdateExpression": "SET notification_id = :upto",
                "ConditionExpression": condition,
                "ExpressionAttributeValues": {
                    ":after": {"N": str(after)},
                    ":upto": {"N": str(upto)},
                },
            }
        }

    def still_at(self, projection: str, generation: int, after: int) -> dict[str, Any]:
        """The check, in a transaction, that the generation's position is `after`."""
        update = self.move(projection, generation, after, after)["Update"]
        return {
            "ConditionCheck": {
                "TableName": update["TableName"],
                "Key": update["Key"],
                "ConditionExpression": update["ConditionExpression"],
                "ExpressionAttributeValues": {":after": {"N": str(after)}},
            }
        }

    def discard(self, projection: str, generation: int) -> None:
        """Sets the position to -1 (no runner's condition holds on it), deletes
        the items, then the tracking item; interrupted, it is done again."""
        name = generation_name(projection, generation)
        self.ddb.put_item(
            TableName=self.tables.views,
            Item={"pk": {"S": f"tracking#{name}"}, "notification_id": {"N": "-1"}},
        )
        keys = [item["pk"]["S"] for item in self._generation_items(name)]
        keys.append(f"tracking#{name}")
        for start in range(0, len(keys), 25):
            requests = [
                {"DeleteRequest": {"Key": {"pk": {"S": pk}}}} for pk in keys[start : start + 25]
            ]
            pending: dict[str, Any] = {self.tables.views: requests}
            while pending:
                answer = self.ddb.batch_write_item(RequestItems=pending)
                pending = answer.get("UnprocessedItems") or {}

    def switch(self, generations: dict[str, int]) -> None:
        """Makes each given generation the one readers see (one transaction
        for up to 100 projections), then drops the generations they replace."""
        old = {projection: self.generation(projection) for projection in generations}
        puts = [
            {
                "Put": {
                    "TableName": self.tables.views,
                    "Item": {
                        "pk": {"S": f"generation#{projection}"},
                        "generation": {"N": str(generation)},
                    },
                }
            }
            for projection, generation in generations.items()
        ]
        for start in range(0, len(puts), MAX_TRANSACTION_ITEMS):
            transact(self.ddb, puts[start : start + MAX_TRANSACTION_ITEMS])
        for projection, generation in generations.items():
            if old[projection] != generation:
                self.discard(projection, old[projection])

    # -- parks -------------------------------------------------------------------
    def park(self, park: Park) -> None:
        """Sets `park` on the tracking item (made at position 0 if the
        generation has committed nothing yet)."""
        self.ddb.update_item(
            TableName=self.tables.views,
            Key={"pk": {"S": f"tracking#{generation_name(park.projection, park.generation)}"}},
            UpdateExpression=(
                "SET park = :park, notification_id = if_not_exists(notification_id, :zero)"
            ),
            ExpressionAttributeValues={
                ":park": {"S": json.dumps(park.doc(), ensure_ascii=False)},
                ":zero": {"N": "0"},
            },
        )

    def parked(self, projection: str, generation: int) -> Park | None:
        found = self.ddb.get_item(
            TableName=self.tables.views,
            Key={"pk": {"S": f"tracking#{generation_name(projection, generation)}"}},
            ConsistentRead=True,
        )
        park = found.get("Item", {}).get("park")
        return Park(**json.loads(park["S"])) if park else None

    def unpark(self, projection: str, generation: int) -> bool:
        try:
            self.ddb.update_item(
                TableName=self.tables.views,
                Key={"pk": {"S": f"tracking#{generation_name(projection, generation)}"}},
                UpdateExpression="REMOVE park",
                ConditionExpression="attribute_exists(park)",
            )
        except self.ddb.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def _generation_items(self, name: str) -> Iterator[dict[str, Any]]:
        pages = self.ddb.get_paginator("query").paginate(
            TableName=self.tables.views,
            IndexName="by_generation",
            KeyConditionExpression="pg = :pg",
            ExpressionAttributeValues={":pg": {"S": name}},
        )
        for page in pages:
            yield from page["Items"]

    # -- reading -----------------------------------------------------------------
    def get(self, projection: str, view: str, key: str) -> Doc | None:
        return self.read_item(item_key(projection, self.generation(projection), view, key))

    def query(
        self,
        projection: str,
        view: str,
        group: str,
        *,
        rank_upto: str | None = None,
        descending: bool = False,
        limit: int = 1000,
    ) -> list[Doc]:
        values = {":gk": {"S": group_key(projection, self.generation(projection), view, group)}}
        condition = "gk = :gk"
        if rank_upto is not None:
            condition += " AND #rank <= :upto"
            values[":upto"] = {"S": "r" + rank_upto}
        request: dict[str, Any] = {
            "TableName": self.tables.views,
            "IndexName": "by_group",
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": not descending,
        }
        if rank_upto is not None:
            request["ExpressionAttributeNames"] = {"#rank": "rank"}
        return self._query_up_to(request, limit)

    def query_after(
        self, projection: str, view: str, group: str, *, after: str | None, limit: int
    ) -> list[Doc]:
        values = {":gk": {"S": group_key(projection, self.generation(projection), view, group)}}
        request: dict[str, Any] = {
            "TableName": self.tables.views,
            "IndexName": "by_group",
            "KeyConditionExpression": "gk = :gk",
            "ExpressionAttributeValues": values,
        }
        if after is not None:
            request["KeyConditionExpression"] += " AND #rank > :after"
            request["ExpressionAttributeNames"] = {"#rank": "rank"}
            values[":after"] = {"S": "r" + after}
        return self._query_up_to(request, limit)

    def _query_up_to(self, request: dict[str, Any], limit: int) -> list[Doc]:
        """Up to `limit` documents of the query, page after page."""
        docs: list[Doc] = []
        while len(docs) < limit:
            page = self.ddb.query(**request, Limit=limit - len(docs))
            docs.extend(_doc(item) for item in page["Items"])
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return docs

    def get_many(self, projection: str, view: str, keys: Sequence[str]) -> dict[str, Doc]:
        generation = self.generation(projection)
        pks = {item_key(projection, generation, view, key): key for key in keys}
        return {pks[pk]: _doc(item) for pk, item in self._items(list(pks)).items()}

    def dump(self, projection: str, generation: int | None = None) -> dict[str, Doc]:
        """Every item of a projection's generation, for comparisons and debugging."""
        gen = self.generation(projection) if generation is None else generation
        return {
            f"{item['view']['S']}/{item['key']['S']}": {
                "group": item["group"]["S"],
                "rank": item["rank"]["S"][1:],
                "doc": _doc(item),
            }
            for item in self._generation_items(generation_name(projection, gen))
        }
