"""The AWS runtime's rebuild of every projection of both logs, across as many Lambda
invocations as it needs (chalicelib/rebuild_relay.py): the nightly schedule
starts it (schedules.rebuild_projections), the rebuild queue's handler below
continues it. Plain functions app.py wires up."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Protocol
from uuid import uuid4

from ..bootstrap import container

if TYPE_CHECKING:
    from ..rebuild_relay import Budget, LambdaContext, Leg, RebuildRelay

log = logging.getLogger(__name__)

REBUILD_QUEUE = "arn:aws:sqs:region:account:miniloop-rebuild-set-by-terraform"

BatchResponse = dict[str, list[dict[str, str]]]


class LambdaEvent(Protocol):
    """What Chalice hands a handler: to_dict() is Lambda's event, `context` its context."""

    context: Any

    def to_dict(self) -> dict[str, Any]: ...


def relay() -> RebuildRelay:
    from ..adapters.rebuild_queue import RebuildQueue
    from ..rebuild_relay import RebuildRelay

    c = container()
    s = c.settings

    def sqs() -> Any:
        from ..adapters.dynamodb.connection import client

        return client("sqs", s.sqs_endpoint, s.aws_region)

    return RebuildRelay(
        c.runners,
        c.views,
        RebuildQueue(sqs, s.rebuild_queue_url).send,
        max_continuations=s.rebuild_max_continuations,
        new_run=lambda: uuid4().hex,
    )


def budget(context: LambdaContext | None) -> Budget:
    """This invocation's share: Lambda's time left less the margin, and at most
    MINILOOP_REBUILD_BUDGET_BATCHES batches when that is set."""
    from ..rebuild_relay import Budget

    s = container().settings
    return Budget(context, margin_s=s.rebuild_stop_margin_s, max_batches=s.rebuild_budget_batches)


def start_rebuild(event: Any = None) -> Leg:
    """Starts a rebuild of every projection, or continues the one in progress."""
    return relay().start(budget(getattr(event, "context", None)))


def continue_rebuild(event: LambdaEvent) -> BatchResponse:
    """Advances the rebuild each message names (the event source mapping hands
    over one at a time), and hands it over again if it is still unfinished."""
    from ..rebuild_relay import Continuation

    records: list[dict[str, Any]] = event.to_dict().get("Records", [])
    share = budget(getattr(event, "context", None))
    for record in records:
        continuation = Continuation.parse(record.get("body") or "")
        if continuation is None:
            log.warning(
                "dropping SQS message %s: not a rebuild continuation", record.get("messageId")
            )
            continue
        relay().resume(continuation, share)
    return {"batchItemFailures": []}
