"""The AWS runtime's event-source handlers, as plain functions app.py wires up:
the indexer (events table stream), the projector (log table stream) and the
outbox sender (SQS). Each answers in Lambda's partial-batch shape, so a failed
record is retried from where it failed, never skipped."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from ..bootstrap import container

log = logging.getLogger(__name__)

EVENTS_STREAM = "arn:aws:dynamodb:region:account:table/miniloop-events/stream/set-by-terraform"
LOG_STREAM = "arn:aws:dynamodb:region:account:table/miniloop-log/stream/set-by-terraform"
OUTBOX_QUEUE = "arn:aws:sqs:region:account:miniloop-outbox-set-by-terraform"

BatchResponse = dict[str, list[dict[str, str]]]


class Records(Protocol):
    """What Chalice hands an event-source handler; to_dict() is Lambda's event."""

    def to_dict(self) -> dict[str, Any]: ...


def _records(event: Records) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = event.to_dict().get("Records", [])
    return records


def index_events(event: Records) -> BatchResponse:
    """Assigns notification ids to new events, writing them to log pages."""
    return container().index_events(_records(event))


def project_log(event: Records) -> BatchResponse:
    """New log pages wake the projections, which catch up from their positions."""
    return container().project_log(_records(event))


def send_outbox(event: Records) -> BatchResponse:
    """Carries out side-effect intents (WeChat Pay refunds) once each."""
    return container().send_outbox(_records(event))
