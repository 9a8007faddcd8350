"""The eventsourcing library's recorders on DynamoDB.

A save is one TransactWriteItems whose puts only succeed on free versions, so
a conflicting save is refused whole (IntegrityError) and never half-written.
Saves return no notification ids: DynamoDB has no sequence, so ids are given
later, in one place, by the indexer reading the events table's stream (see
indexer.py); the application recorder reads them back from the log pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    Notification,
    ProcessRecorder,
    StoredEvent,
    Subscription,
    Tracking,
    TrackingRecorder,
)

from .connection import Tables, transact
from .items import KEY_NAMES, put_events, stored_events, stream_of
from .log import LogReader, PollingSubscription

TRACKING_PREFIX = "tracking#"


class DynamoDBAggregateRecorder(AggregateRecorder):
    """Events (purpose "events") or snapshots (purpose "snapshots") of aggregates."""

    def __init__(self, ddb: Any, tables: Tables, purpose: str = "events") -> None:
        places = {"events": tables.events, "snapshots": tables.snapshots}
        if purpose not in places:
            raise ValueError(f"no DynamoDB table for purpose {purpose!r}; known: {sorted(places)}")
        self.ddb = ddb
        self.tables = tables
        self.table = places[purpose]

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        transact(self.ddb, put_events(self.table, stored_events))
        return None

    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        if limit is not None and limit <= 0:
            return []
        values: dict[str, Any] = {":s": {"S": stream_of(originator_id)}}
        condition = "#s = :s"
        if gt is not None and lte is not None:
            if gt >= lte:
                return []
            condition += " AND #v BETWEEN :lo AND :hi"
            values[":lo"], values[":hi"] = {"N": str(gt + 1)}, {"N": str(lte)}
        elif gt is not None:
            condition += " AND #v > :gt"
            values[":gt"] = {"N": str(gt)}
        elif lte is not None:
            condition += " AND #v <= :lte"
            values[":lte"] = {"N": str(lte)}
        request: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": KEY_NAMES if "#v" in condition else {"#s": "stream"},
            "ExpressionAttributeValues": values,
            "ScanIndexForward": not desc,
            "ConsistentRead": True,
        }
        items: list[dict[str, Any]] = []
        while True:
            if limit is not None:
                request["Limit"] = limit - len(items)
            response = self.ddb.query(**request)
            items.extend(response["Items"])
            if "LastEvaluatedKey" not in response or (limit is not None and len(items) >= limit):
                return stored_events(originator_id, items)
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


class DynamoDBApplicationRecorder(DynamoDBAggregateRecorder, ApplicationRecorder):
    """Events, and the notification log the indexer builds from them."""

    def __init__(self, ddb: Any, tables: Tables) -> None:
        super().__init__(ddb, tables, "events")
        self.log = LogReader(ddb, tables.log)

    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> Sequence[Notification]:
        first = 1 if start is None else (start if inclusive_of_start else start + 1)
        return self.log.notifications(max(first, 1), limit, stop, topics)

    def max_notification_id(self) -> int | None:
        return self.log.max_id()

    def subscribe(
        self, gt: int | None = None, topics: Sequence[str] = ()
    ) -> Subscription[ApplicationRecorder]:
        return PollingSubscription(self, gt=gt, topics=topics)


class DynamoDBTrackingRecorder(TrackingRecorder):
    """Positions of downstream readers, as `tracking#<name>` items of the views table."""

    def __init__(self, ddb: Any, tables: Tables) -> None:
        self.ddb = ddb
        self.tables = tables

    def tracking_update(self, tracking: Tracking) -> dict[str, Any]:
        """The action moving a position forward only: a repeated or older
        notification id is refused, so nothing is processed twice."""
        return {
            "Update": {
                "TableName": self.tables.views,
                "Key": {"pk": {"S": TRACKING_PREFIX + tracking.application_name}},
                "UpdateExpression": "SET notification_id = :id",
                "ConditionExpression": "attribute_not_exists(pk) OR notification_id < :id",
                "ExpressionAttributeValues": {":id": {"N": str(tracking.notification_id)}},
            }
        }

    def insert_tracking(self, tracking: Tracking) -> None:
        transact(self.ddb, [self.tracking_update(tracking)])

    def max_tracking_id(self, application_name: str) -> int | None:
        response = self.ddb.get_item(
            TableName=self.tables.views,
            Key={"pk": {"S": TRACKING_PREFIX + application_name}},
            ConsistentRead=True,
        )
        item = response.get("Item")
        return int(item["notification_id"]["N"]) if item else None


class DynamoDBProcessRecorder(
    DynamoDBApplicationRecorder, DynamoDBTrackingRecorder, ProcessRecorder
):
    """Events and the position they were derived from, in one transaction."""

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        actions = put_events(self.table, stored_events)
        tracking = kwargs.get("tracking")
        if tracking is not None:
            if not isinstance(tracking, Tracking):
                raise TypeError(f"tracking must be a Tracking, got {type(tracking).__name__}")
            actions.append(self.tracking_update(tracking))
        transact(self.ddb, actions)
        return None
