"""The behaviour indexer function (the behaviour events table's stream): the
same indexer as lambdas/indexer.py, on the behaviour log's own tables, so
behaviour events get their own total order and never touch the order log."""

from __future__ import annotations

import boto3  # noqa: F401  (the function's client, imported during init)

from ..adapters.dynamodb import indexer  # noqa: F401  (imported during init)
from ..bootstrap import container
from . import BatchResponse, LambdaEvent, records


def handler(event: LambdaEvent, context: object = None) -> BatchResponse:
    return container().aws.behaviour_indexer.handle(records(event))
