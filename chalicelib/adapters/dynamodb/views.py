"""Read models in DynamoDB. A projection's view writes, its outbox intents and
the move of its tracking position commit in one TransactWriteItems whose
condition is the position the runner read, so processing is exactly-once in
effect and a crashed projector resumes where its last commit left off. A
generation parked at an event it failed on carries the park on its tracking
item (`park`, JSON), so dropping the generation drops the park too."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from eventsourcing.persistence import PersistenceError

from ...projections.base import BatchTooLarge, Doc, Park, rank_time
from .connection import MAX_TRANSACTION_ITEMS, Tables, transact

Enqueued = Callable[[list[str]], None]


def generation_name(projection: str, generation: int) -> str:
    return f"{projection}@{generation}"


def item_key(projection: str, generation: int, view: str, key: str) -> str:
    return f"view#{generation_name(projection, generation)}/{view}#{key}"


def group_key(projection: str, generation: int, view: str, group: str) -> str:
    return f"{generation_name(projection, generation)}/{view}#{group}"


def _doc(item: dict[str, Any]) -> Doc:
    doc: Doc = json.loads(item["doc"]["S"])
    return doc


class DynamoDBViewWriter:
    """Buffers a batch's writes (reads see them) until the batch commits."""

    def __init__(self, store: DynamoDBViewStore, projection: str, generation: int) -> None:
        self._store = store
        self._projection = projection
        self._generation = generation
        self.actions: dict[str, dict[str, Any]] = {}
        self.docs: dict[str, Doc | None] = {}
        self.enqueued: list[str] = []

    def _pk(self, view: str, key: str) -> str:
        if not key:
            raise ValueError(f"view {view}: an item needs a non-empty key")
        return item_key(self._projection, self._generation, view, key)

    def get(self, view: str, key: str) -> Doc | None:
        pk = self._pk(view, key)
        if pk in self.docs:
            return self.docs[pk]
        return self._store.read_item(pk)

    def put(self, view: str, key: str, doc: Doc, *, group: str = "", rank: str = "") -> None:
        pk = self._pk(view, key)
        item = {
            "pk": {"S": pk},
            "pg": {"S": generation_name(self._projection, self._generation)},
            "view": {"S": view},
            "key": {"S": key},
            "group": {"S": group},
            "gk": {"S": group_key(self._projection, self._generation, view, group)},
            "rank": {"S": "r" + rank},
            "doc": {"S": json.dumps(doc, ensure_ascii=False)},
        }
        self.actions[pk] = {"Put": {"TableName": self._store.tables.views, "Item": item}}
        self.docs[pk] = doc

    def delete(self, view: str, key: str) -> None:
        pk = self._pk(view, key)
        self.actions[pk] = {
            "Delete": {"TableName": self._store.tables.views, "Key": {"pk": {"S": pk}}}
        }
        self.docs[pk] = None

    def enqueue(
        self, message_id: str, kind: str, payload: Doc, *, not_before: datetime | None = None
    ) -> None:
        """A known id is ignored; a racing writer makes the commit fail and retry.

        A message due later is not put on the queue at commit: SQS cannot hold it
        long enough, so the scheduled sweeper (send_due) queues it once due."""
        action_id = f"outbox#{message_id}"
        if action_id in self.actions or self._store.outbox_has(message_id):
            return
        now = self._store.now()
        due = now if not_before is None else max(now, rank_time(not_before))
        item = {
            "id": {"S": message_id},
            "kind": {"S": kind},
            "payload": {"S": json.dumps(payload, ensure_ascii=False)},
            "status": {"S": "pending"},
            "due": {"S": due},
            "attempts": {"N": "0"},
            "created_at": {"S": now},
        }
        self.actions[action_id] = {
            "Put": {
                "TableName": self._store.tables.outbox,
                "Item": item,
                "ConditionExpression": "attribute_not_exists(#id)",
                "ExpressionAttributeNames": {"#id": "id"},
            }
        }
        if due <= now:
            self.enqueued.append(message_id)


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
        found = self.ddb.get_item(
            TableName=self.tables.views, Key={"pk": {"S": pk}}, ConsistentRead=True
        )
        return _doc(found["Item"]) if "Item" in found else None

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

    @contextmanager
    def writing(
        self, projection: str, generation: int, after: int, upto: int
    ) -> Iterator[DynamoDBViewWriter]:
        writer = DynamoDBViewWriter(self, projection, generation)
        yield writer
        actions = [*writer.actions.values(), self._move(projection, generation, after, upto)]
        if len(actions) > MAX_TRANSACTION_ITEMS:
            raise BatchTooLarge(f"{len(actions)} writes exceed one transaction")
        transact(self.ddb, actions)
        if writer.enqueued:
            self.on_enqueued(writer.enqueued)

    def _move(self, projection: str, generation: int, after: int, upto: int) -> dict[str, Any]:
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

    def discard(self, projection: str, generation: int) -> None:
        name = generation_name(projection, generation)
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

    def switch(self, projection: str, generation: int) -> None:
        """Makes `generation` the one readers see, then drops the one it replaces."""
        old = self.generation(projection)
        self.ddb.put_item(
            TableName=self.tables.views,
            Item={"pk": {"S": f"generation#{projection}"}, "generation": {"N": str(generation)}},
        )
        if old != generation:
            self.discard(projection, old)

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
        docs: list[Doc] = []
        while len(docs) < limit:
            page = self.ddb.query(**request, Limit=limit - len(docs))
            docs.extend(_doc(item) for item in page["Items"])
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return docs

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
