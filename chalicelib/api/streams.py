"""The AWS runtime's event-source handlers, as plain functions app.py wires up:
the indexer (events table stream), the projector (log table stream) and the
outbox sender (SQS). Each answers in Lambda's partial-batch shape, so a failed
record is retried from where it failed, never skipped."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from eventsourcing.persistence import OperationalError

from ..adapters.sqs_queue import message_id
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
    return container().aws.indexer.handle(_records(event))


def project_log(event: Records) -> BatchResponse:
    """New log pages wake the projections, which catch up from their tracked
    positions. A projection that fails on an event parks there (logged as
    "projection parked", which the alarm in infra/monitoring.tf watches) and
    the others carry on, so the batch succeeds; a storage failure raises, and
    the retried batch resumes exactly where the commits stopped."""
    applied = container().runner.catch_up()
    log.info("projected %d events", applied)
    return {"batchItemFailures": []}


def send_outbox(event: Records) -> BatchResponse:
    """Carries out every kind of outbox message, once each: WeChat Pay refunds,
    notifications, and looking up a follower's unionid (outbox_handlers.py)."""
    from botocore.exceptions import BotoCoreError, ClientError

    dispatcher = container().dispatcher
    failures = []
    for record in _records(event):
        outbox_id = message_id(record)
        if outbox_id is None:
            log.warning("dropping SQS message %s: no outbox id", record.get("messageId"))
            continue
        try:
            dispatcher.send_one(outbox_id)
        except (BotoCoreError, ClientError, OperationalError):
            log.exception("outbox %s: storage unavailable, SQS will redeliver", outbox_id)
            failures.append({"itemIdentifier": str(record["messageId"])})
    return {"batchItemFailures": failures}
