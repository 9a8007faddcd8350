"""The projector function (log table stream): new log pages wake the
projections, which catch up from their tracked positions.

A projection that fails on an event parks there (logged as "projection
parked", which the alarm in infra/monitoring.tf watches) and the others carry
on, so the batch succeeds; a storage failure raises, and the retried batch
resumes exactly where the commits stopped.

Uses the event store, the projections (and so the domain events they read) and
the DynamoDB view store; none of the use cases."""

from __future__ import annotations

import logging

import boto3  # noqa: F401  (the function's client, imported during init)

from ..adapters.dynamodb import factory, views  # noqa: F401  (imported during init)
from ..application import store  # noqa: F401  (imported during init)
from ..bootstrap import container
from ..projections import all_projections, runner  # noqa: F401  (imported during init)
from . import BatchResponse, LambdaEvent

log = logging.getLogger(__name__)


def handler(event: LambdaEvent, context: object = None) -> BatchResponse:
    applied = container().runner.catch_up()
    log.info("projected %d events", applied)
    return {"batchItemFailures": []}
