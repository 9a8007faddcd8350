"""SQS as the rebuild's relay: each message carries one continuation of a
rebuild to the next invocation of `continue_rebuild` (chalicelib/rebuild_relay.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .sqs_queue import MAX_DELAY_S

if TYPE_CHECKING:
    from ..rebuild_relay import Continuation


class RebuildQueue:
    """`sqs` is called on the first send, so an invocation that finishes the
    rebuild never builds an SQS client."""

    def __init__(self, sqs: Callable[[], Any], queue_url: str) -> None:
        self.sqs = sqs
        self.queue_url = queue_url

    def send(self, continuation: Continuation, delay_s: int = 0) -> None:
        if not self.queue_url:
            raise RuntimeError("MINILOOP_REBUILD_QUEUE_URL is not configured")
        self.sqs().send_message(
            QueueUrl=self.queue_url,
            MessageBody=continuation.body(),
            DelaySeconds=max(0, min(MAX_DELAY_S, delay_s)),
        )
