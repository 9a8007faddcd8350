"""app.py's event-source handlers: the placeholders of their event sources and
Chalice's event objects handed to the Lambda functions of chalicelib/lambdas/
(the indexers, the projectors and the outbox sender), which Terraform invokes
directly. Each answers in Lambda's partial-batch shape, so a failed record is
retried from where it failed, never skipped.

Each handler imports its function's module when it first runs: app.py is also
the API function's module, which needs none of them (boto3 and the indexer
would cost its cold start about a tenth of a second)."""

from __future__ import annotations

from typing import Any, Protocol

from ..lambdas import BatchResponse

EVENTS_STREAM = "arn:aws:dynamodb:region:account:table/miniloop-events/stream/set-by-terraform"
LOG_STREAM = "arn:aws:dynamodb:region:account:table/miniloop-log/stream/set-by-terraform"
BEHAVIOUR_STREAM = (
    "arn:aws:dynamodb:region:account:table/miniloop-behaviour-events/stream/set-by-terraform"
)
BEHAVIOUR_LOG_STREAM = (
    "arn:aws:dynamodb:region:account:table/miniloop-behaviour-log/stream/set-by-terraform"
)
OUTBOX_QUEUE = "arn:aws:sqs:region:account:miniloop-outbox-set-by-terraform"


class Records(Protocol):
    """What Chalice hands an event-source handler; to_dict() is Lambda's event."""

    def to_dict(self) -> dict[str, Any]: ...


def index_events(event: Records) -> BatchResponse:
    """Assigns notification ids to new events, writing them to log pages."""
    from ..lambdas import indexer

    return indexer.handler(event.to_dict())


def index_behaviour(event: Records) -> BatchResponse:
    """The same indexer on the behaviour log's own tables (lambdas/behaviour_indexer.py)."""
    from ..lambdas import behaviour_indexer

    return behaviour_indexer.handler(event.to_dict())


def project_log(event: Records) -> BatchResponse:
    """The projections catch up from their tracked positions (lambdas/projector.py)."""
    from ..lambdas import projector

    return projector.handler(event.to_dict())


def project_behaviour(event: Records) -> BatchResponse:
    """The behaviour log's projections catch up (lambdas/behaviour_projector.py)."""
    from ..lambdas import behaviour_projector

    return behaviour_projector.handler(event.to_dict())


def send_outbox(event: Records) -> BatchResponse:
    """Carries out the outbox messages, once each (lambdas/outbox_sender.py)."""
    from ..lambdas import outbox_sender

    return outbox_sender.handler(event.to_dict())
