"""The outbox sender function (SQS): carries out every kind of outbox message,
once each: WeChat Pay refunds, notifications, and looking up a follower's
unionid (outbox_handlers.py).

Uses the dispatcher and the use cases its handlers call, which it imports and
builds on the first message (container.py); the WeChat clients (and WeChat
Pay's cryptography) are built when a message needs them. Its init imports what
the indexer's does."""

from __future__ import annotations

import logging

import boto3  # noqa: F401  (the function's client, imported during init)
from botocore.exceptions import BotoCoreError, ClientError
from eventsourcing.persistence import OperationalError

from ..adapters.sqs_queue import message_id
from ..bootstrap import container
from . import BatchResponse, LambdaEvent, records

log = logging.getLogger(__name__)


def handler(event: LambdaEvent, context: object = None) -> BatchResponse:
    dispatcher = container().dispatcher
    failures = []
    for record in records(event):
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
