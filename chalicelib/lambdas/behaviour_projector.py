"""The behaviour projector function (the behaviour log table's stream): new log
pages of the behaviour log wake its projections (behaviour_projections()),
which catch up from their tracked positions, as lambdas/projector.py does for
the order log's. A projection that fails on an event parks there and the
others carry on; a storage failure raises, and the retried batch resumes
exactly where the commits stopped.

Uses the behaviour log, its projections and the DynamoDB view store; none of
the use cases."""

from __future__ import annotations

import logging

import boto3  # noqa: F401  (the function's client, imported during init)

from ..adapters.dynamodb import factory, views  # noqa: F401  (imported during init)
from ..application import behaviour_log  # noqa: F401  (imported during init)
from ..bootstrap import container
from ..projections import behaviour_projections, runner  # noqa: F401  (imported during init)
from . import BatchResponse, LambdaEvent

log = logging.getLogger(__name__)


def handler(event: LambdaEvent, context: object = None) -> BatchResponse:
    applied = container().behaviour_runner.catch_up()
    log.info("projected %d behaviour events", applied)
    return {"batchItemFailures": []}
