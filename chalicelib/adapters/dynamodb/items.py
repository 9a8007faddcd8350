"""Stored events as DynamoDB items, and back.

One event is one item of the events (or snapshots) table, keyed by the
aggregate id as text and the version; the `uuid` flag remembers whether the id
was a UUID, so the id read back from the log (which only has the text) has
the type the aggregate was saved with."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, StoredEvent

VERSION_NOT_TAKEN = "attribute_not_exists(#v)"
# Both key attribute names are DynamoDB reserved words, so expressions alias them.
KEY_NAMES = {"#s": "stream", "#v": "version"}


def stream_of(originator_id: UUID | str) -> str:
    return str(originator_id)


def originator_id_of(stream: str, is_uuid: bool) -> UUID | str:
    return UUID(stream) if is_uuid else stream


def binary(attr: dict[str, Any]) -> bytes:
    """A `B` value: bytes from boto3, base64 text in a Lambda event (JSON)."""
    value = attr["B"]
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    return base64.b64decode(value)


def event_attributes(event: StoredEvent, stream: str | None = None) -> dict[str, Any]:
    return {
        "stream": {"S": stream_of(event.originator_id) if stream is None else stream},
        "version": {"N": str(event.originator_version)},
        "topic": {"S": event.topic},
        "state": {"B": event.state},
        "uuid": {"BOOL": isinstance(event.originator_id, UUID)},
    }


def put_events(table: str, events: Sequence[StoredEvent]) -> list[dict[str, Any]]:
    """Transaction actions writing each event only if its version is free.

    The same (stream, version) twice in one call is refused here: DynamoDB would
    reject the whole request as invalid rather than as a conflict. One pass:
    each event's stream text is made once, for the check and the item."""
    seen: set[tuple[str, int]] = set()
    actions: list[dict[str, Any]] = []
    for event in events:
        stream = stream_of(event.originator_id)
        key = (stream, event.originator_version)
        if key in seen:
            raise IntegrityError(f"version {key[1]} of {key[0]} appears twice in one write")
        seen.add(key)
        actions.append(
            {
                "Put": {
                    "TableName": table,
                    "Item": event_attributes(event, stream),
                    "ConditionExpression": VERSION_NOT_TAKEN,
                    "ExpressionAttributeNames": {"#v": KEY_NAMES["#v"]},
                }
            }
        )
    return actions


def stored_events(originator_id: UUID | str, items: Iterable[dict[str, Any]]) -> list[StoredEvent]:
    """Events of one stream, carrying the very id object the caller asked for."""
    return [
        StoredEvent(
            originator_id=originator_id,
            originator_version=int(item["version"]["N"]),
            topic=item["topic"]["S"],
            state=binary(item["state"]),
        )
        for item in items
    ]
