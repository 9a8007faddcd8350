"""What a projection's batch writes on DynamoDB: the view writer that buffers
a batch's writes (reads see them, and a key read once is not read again), and
the transaction whose parts commit them with the move of each projection's
position (views.py's DynamoDBViewStore sends them). The keys of view items
are made here. What the writer and the transaction need of the store is
`ViewItems`, so this module does not import views.py (which imports it)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Protocol

from ...projections.base import BatchTooLarge, Doc, rank_time
from ..view_json import to_json
from .connection import MAX_TRANSACTION_ITEMS, Tables


class ViewItems(Protocol):
    """The view store, as its writes use it (views.py's DynamoDBViewStore)."""

    tables: Tables
    now: Callable[[], str]

    def read_text(self, pk: str) -> str | None: ...

    def outbox_has(self, message_id: str) -> bool: ...

    def move(self, projection: str, generation: int, after: int, upto: int) -> dict[str, Any]: ...

    def still_at(self, projection: str, generation: int, after: int) -> dict[str, Any]: ...


def generation_name(projection: str, generation: int) -> str:
    return f"{projection}@{generation}"


def item_key(projection: str, generation: int, view: str, key: str) -> str:
    return f"view#{generation_name(projection, generation)}/{view}#{key}"


def group_key(projection: str, generation: int, view: str, group: str) -> str:
    return f"{generation_name(projection, generation)}/{view}#{group}"


class DynamoDBViewWriter:
    """Buffers a batch's writes until the batch commits; reads see them, and a
    key read once is not read again."""

    def __init__(self, store: ViewItems, projection: str, generation: int) -> None:
        self._store = store
        self._projection = projection
        self._generation = generation
        self.actions: dict[str, dict[str, Any]] = {}
        self.docs: dict[str, str | None] = {}
        """Item key -> the doc's JSON as the batch left it (None: deleted or absent)."""
        self.fetched: set[str] = set()
        """Item keys whose value the batch read from the table (not from its own writes)."""
        self.enqueued: list[str] = []

    def _pk(self, view: str, key: str) -> str:
        if not key:
            raise ValueError(f"view {view}: an item needs a non-empty key")
        return item_key(self._projection, self._generation, view, key)

    def get(self, view: str, key: str) -> Doc | None:
        pk = self._pk(view, key)
        if pk in self.docs:
            text = self.docs[pk]
        else:
            text = self.docs[pk] = self._store.read_text(pk)
            self.fetched.add(pk)
        doc: Doc | None = None if text is None else json.loads(text)  # a fresh copy each time
        return doc

    def put(self, view: str, key: str, doc: Doc, *, group: str = "", rank: str = "") -> None:
        pk = self._pk(view, key)
        text = to_json(doc)
        item = {
            "pk": {"S": pk},
            "pg": {"S": generation_name(self._projection, self._generation)},
            "view": {"S": view},
            "key": {"S": key},
            "group": {"S": group},
            "gk": {"S": group_key(self._projection, self._generation, view, group)},
            "rank": {"S": "r" + rank},
            "doc": {"S": text},
        }
        self.actions[pk] = {"Put": {"TableName": self._store.tables.views, "Item": item}}
        self.docs[pk] = text

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
            "payload": {"S": to_json(payload)},
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


class DynamoDBViewTransaction:
    """The parts of one view commit, each a projection's actions (its writes,
    outbox puts and the conditional move of its position).

    A part of more than 100 actions spills: its blind writes (puts and deletes
    of view items the batch never read from the table) go first, in
    transactions of 99 that each check the position is still the one the
    runner read; the rest (writes of items it read, outbox puts, the move)
    commit last, together. A retry after a crash in between replays the same
    events from the same position: they read the same items (none of them was
    written yet) so they make the same writes again; and a runner whose batch
    another committed first writes nothing (the check fails: IntegrityError).
    If the rest alone is over 100, the part is BatchTooLarge (the runner splits
    the batch)."""

    def __init__(self, store: ViewItems) -> None:
        self._store = store
        self.parts: list[tuple[list[dict[str, Any]], list[str]]] = []
        self.spills: list[list[dict[str, Any]]] = []
        """Transactions of blind writes, sent before the parts."""

    @contextmanager
    def part(
        self, projection: str, generation: int, after: int, upto: int
    ) -> Iterator[DynamoDBViewWriter]:
        writer = DynamoDBViewWriter(self._store, projection, generation)
        yield writer
        move = self._store.move(projection, generation, after, upto)
        actions = [*writer.actions.values(), move]
        if len(actions) > MAX_TRANSACTION_ITEMS:
            blind = [
                action
                for pk, action in writer.actions.items()
                if pk.startswith("view#") and pk not in writer.fetched
            ]
            actions = [
                action
                for pk, action in writer.actions.items()
                if not pk.startswith("view#") or pk in writer.fetched
            ]
            actions.append(move)
            if len(actions) > MAX_TRANSACTION_ITEMS:
                raise BatchTooLarge(f"{len(actions)} writes exceed one transaction")
            check = self._store.still_at(projection, generation, after)
            size = MAX_TRANSACTION_ITEMS - 1
            for start in range(0, len(blind), size):
                self.spills.append([*blind[start : start + size], check])
        self.parts.append((actions, writer.enqueued))
