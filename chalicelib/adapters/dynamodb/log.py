"""The notification log: the total order the indexer gives the events.

Items of the `<p>-log` table (see README.md):
- `head`/0: `next`, the id the next indexed event gets;
- `page`/<first id>: `last` and `events`, many events in id order, so a reader
  gets hundreds of notifications per read and the indexer one put per batch;
- `cursor#<stream>`/0: `version`, the last version of that stream in the log,
  which makes a redelivered stream batch add nothing.

Pages are immutable once written and are written in the same transaction that
moves the head, so a consistent read of the head never runs ahead of the pages."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Notification, StoredEvent, Subscription

from .items import binary, originator_id_of

HEAD_KEY: dict[str, Any] = {"pk": {"S": "head"}, "sk": {"N": "0"}}
PAGE_PK = "page"
CURSOR_PREFIX = "cursor#"
# DynamoDB refuses items over 400 KB; a page stays well under it (an event that
# is bigger on its own gets a page to itself, which fits: its events-table
# item had the same content under longer attribute names).
PAGE_BYTES = 256 * 1024
PAGES_PER_QUERY = 4


def cursor_key(stream: str) -> dict[str, Any]:
    return {"pk": {"S": CURSOR_PREFIX + stream}, "sk": {"N": "0"}}


@dataclass(frozen=True)
class LogEvent:
    """One event as the log holds it."""

    stream: str
    version: int
    topic: str
    state: bytes
    is_uuid: bool

    @classmethod
    def from_event_item(cls, item: dict[str, Any]) -> LogEvent:
        """From an events-table item (a Query result or a stream NewImage)."""
        return cls(
            stream=item["stream"]["S"],
            version=int(item["version"]["N"]),
            topic=item["topic"]["S"],
            state=binary(item["state"]),
            is_uuid=bool(item.get("uuid", {}).get("BOOL", False)),
        )

    @classmethod
    def from_stored(cls, event: StoredEvent) -> LogEvent:
        is_uuid = isinstance(event.originator_id, UUID)
        return cls(
            str(event.originator_id), event.originator_version, event.topic, event.state, is_uuid
        )

    @classmethod
    def from_page_entry(cls, entry: dict[str, Any]) -> LogEvent:
        m = entry["M"]
        return cls(m["s"]["S"], int(m["v"]["N"]), m["t"]["S"], binary(m["d"]), m["u"]["BOOL"])

    def page_entry(self) -> dict[str, Any]:
        return {
            "M": {
                "s": {"S": self.stream},
                "v": {"N": str(self.version)},
                "t": {"S": self.topic},
                "d": {"B": self.state},
                "u": {"BOOL": self.is_uuid},
            }
        }

    def size(self) -> int:
        """An upper bound of the bytes this entry adds to a page item."""
        return len(self.stream.encode()) + len(self.topic.encode()) + len(self.state) + 48

    def notification(self, notification_id: int) -> Notification:
        return Notification(
            id=notification_id,
            originator_id=originator_id_of(self.stream, self.is_uuid),
            originator_version=self.version,
            topic=self.topic,
            state=self.state,
        )


def split_pages(events: Sequence[LogEvent], budget: int = PAGE_BYTES) -> list[list[LogEvent]]:
    """Consecutive runs of events, each run small enough for one page item."""
    pages: list[list[LogEvent]] = []
    size = 0
    for event in events:
        if not pages or size + event.size() > budget:
            pages.append([])
            size = 0
        pages[-1].append(event)
        size += event.size()
    return pages


def put_page(table: str, first_id: int, events: Sequence[LogEvent]) -> dict[str, Any]:
    return {
        "Put": {
            "TableName": table,
            "Item": {
                "pk": {"S": PAGE_PK},
                "sk": {"N": str(first_id)},
                "last": {"N": str(first_id + len(events) - 1)},
                "events": {"L": [event.page_entry() for event in events]},
            },
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


class LogReader:
    """Reads the head and the pages with strongly consistent reads."""

    def __init__(self, ddb: Any, table: str) -> None:
        self.ddb = ddb
        self.table = table

    def next_id(self) -> int:
        item = self.ddb.get_item(TableName=self.table, Key=HEAD_KEY, ConsistentRead=True)
        return int(item["Item"]["next"]["N"]) if "Item" in item else 1

    def max_id(self) -> int | None:
        last = self.next_id() - 1
        return last if last > 0 else None

    def notifications(
        self, first: int, limit: int, stop: int | None = None, topics: Sequence[str] = ()
    ) -> list[Notification]:
        """Up to `limit` notifications with first <= id <= stop, in id order."""
        wanted = set(topics)
        found: list[Notification] = []
        if limit <= 0:
            return found
        for page_id, events in self.pages_from(first):
            for offset, event in enumerate(events):
                notification_id = page_id + offset
                if stop is not None and notification_id > stop:
                    return found
                if notification_id < first or (wanted and event.topic not in wanted):
                    continue
                found.append(event.notification(notification_id))
                if len(found) == limit:
                    return found
        return found

    def pages_from(self, first: int) -> Iterator[tuple[int, list[LogEvent]]]:
        """The page holding id `first` (found by the greatest first id not above
        it), then every later page."""
        lower = first
        for item in self._query("sk <= :sk", first, forward=False, limit=1)["Items"]:
            lower = int(item["sk"]["N"]) + 1
            if int(item["last"]["N"]) >= first:
                yield self._page(item)
        start: dict[str, Any] | None = None
        while True:
            response = self._query(
                "sk >= :sk", lower, forward=True, limit=PAGES_PER_QUERY, start=start
            )
            for item in response["Items"]:
                yield self._page(item)
            start = response.get("LastEvaluatedKey")
            if start is None:
                return

    @staticmethod
    def _page(item: dict[str, Any]) -> tuple[int, list[LogEvent]]:
        return int(item["sk"]["N"]), [LogEvent.from_page_entry(e) for e in item["events"]["L"]]

    def _query(
        self, condition: str, sk: int, *, forward: bool, limit: int, start: Any = None
    ) -> Any:
        request: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": f"pk = :pk AND {condition}",
            "ExpressionAttributeValues": {":pk": {"S": PAGE_PK}, ":sk": {"N": str(sk)}},
            "ScanIndexForward": forward,
            "Limit": limit,
            "ConsistentRead": True,
        }
        if start is not None:
            request["ExclusiveStartKey"] = start
        return self.ddb.query(**request)


class PollingSubscription(Subscription[ApplicationRecorder]):
    """Follows the log by polling it: DynamoDB has no LISTEN/NOTIFY, and in
    production the log table's stream wakes the projector instead."""

    def __init__(
        self,
        recorder: ApplicationRecorder,
        gt: int | None = None,
        topics: Sequence[str] = (),
        *,
        interval_s: float = 0.1,
        batch: int = 500,
    ) -> None:
        super().__init__(recorder=recorder, gt=gt, topics=topics)
        self._interval_s = interval_s
        self._batch = batch
        self._buffer: deque[Notification] = deque()
        self._stopped = threading.Event()

    def stop(self) -> None:
        super().stop()
        self._stopped.set()

    def __next__(self) -> Notification:
        while not self._has_been_stopped:
            if self._buffer:
                return self._buffer.popleft()
            notifications = self._recorder.select_notifications(
                start=self._last_notification_id or 0,
                limit=self._batch,
                topics=self._topics,
                inclusive_of_start=False,
            )
            if notifications:
                self._buffer.extend(notifications)
                self._last_notification_id = notifications[-1].id
            else:
                self._stopped.wait(self._interval_s)
        raise StopIteration
