"""The indexer function (events table stream): assigns notification ids to new
events, writing them to log pages. Uses the settings, boto3 and the DynamoDB
indexer; nothing of the shop's domain."""

from __future__ import annotations

import boto3  # noqa: F401  (the function's client, imported during init)

from ..adapters.dynamodb import indexer  # noqa: F401  (imported during init)
from ..bootstrap import container
from . import BatchResponse, LambdaEvent, records


def handler(event: LambdaEvent, context: object = None) -> BatchResponse:
    return container().aws.indexer.handle(records(event))
