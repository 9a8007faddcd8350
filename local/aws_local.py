"""The AWS runtime's Lambda plumbing on one machine: feeds the Lambda handlers
the way Lambda's pollers would (the indexer and projector from real DynamoDB
Streams records, the sender and the rebuild's continuations from real SQS
messages)."""

from __future__ import annotations

import threading
from typing import Any

from .aws_stage import Stage
from .engines import Engines
from .queue_pump import QueuePump
from .stream_pump import StreamPump


class LocalLambdas:
    """Invokes the Lambda functions' handlers (chalicelib/lambdas/, as
    infra/package.py deploys them) the way Lambda's pollers would."""

    def __init__(self, engines: Engines, stage: Stage) -> None:
        import app
        from chalicelib.lambdas import (
            behaviour_indexer,
            behaviour_projector,
            indexer,
            outbox_sender,
            projector,
        )

        dynamodb = engines.client("dynamodb")

        def stream_arn(table: str) -> str:
            arn: str = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
            return arn

        routes: dict[str, Any] = {
            stream_arn(f"{stage.prefix}-events"): indexer.handler,
            stream_arn(f"{stage.prefix}-log"): projector.handler,
            stream_arn(f"{stage.prefix}-behaviour-events"): behaviour_indexer.handler,
            stream_arn(f"{stage.prefix}-behaviour-log"): behaviour_projector.handler,
        }
        self.streams = StreamPump(engines.client("dynamodbstreams"), routes)
        self.queue = QueuePump(engines.client("sqs"), stage.queue_url, outbox_sender.handler)
        self.rebuilds = QueuePump(
            engines.client("sqs"), stage.rebuild_queue_url, app.continue_rebuild, batch_size=1
        )
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def drain(self) -> int:
        """Delivers until neither the streams nor the queues have anything new."""
        total = 0
        with self._lock:
            while True:
                delivered = self.streams.drain() + self.queue.drain() + self.rebuilds.drain()
                if delivered == 0:
                    return total
                total += delivered

    def start(self, interval_s: float = 0.05) -> LocalLambdas:
        def loop() -> None:
            while not self._stop.wait(interval_s):
                self.drain()

        self._thread = threading.Thread(target=loop, daemon=True, name="local-lambdas")
        self._thread.start()
        return self

    def settle(self) -> int:
        """Waits until everything committed so far is indexed, projected and sent."""
        return self.drain()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
