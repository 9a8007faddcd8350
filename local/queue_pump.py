"""What Lambda's SQS poller does, on one machine: receive messages from a real
queue (moto's server), hand them to a Chalice handler in Lambda's event shape,
and delete the ones the handler did not report as failed. A failed message
stays on the queue and comes back after its visibility timeout; after the
queue's maxReceiveCount it goes to the dead-letter queue."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any], Any], Any]


def lambda_event(queue_arn: str, region: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": m.get("MessageAttributes", {}),
                "md5OfBody": m.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for m in messages
        ]
    }


class QueuePump:
    def __init__(self, sqs: Any, queue_url: str, handler: Handler, batch_size: int = 10) -> None:
        self.sqs = sqs
        self.queue_url = queue_url
        self.handler = handler
        self.batch_size = batch_size
        attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
        self.queue_arn = attributes["Attributes"]["QueueArn"]
        self.region = sqs.meta.region_name
        self._lock = threading.Lock()

    def pump_once(self) -> int:
        """Delivers one batch; returns how many messages it carried."""
        with self._lock:
            answer = self.sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=self.batch_size,
                WaitTimeSeconds=0,
                AttributeNames=["All"],
            )
            messages = answer.get("Messages", [])
            if not messages:
                return 0
            response = self.handler(lambda_event(self.queue_arn, self.region, messages), None)
            failed = {f["itemIdentifier"] for f in (response or {}).get("batchItemFailures", [])}
            done = [m for m in messages if m["MessageId"] not in failed]
            if done:
                entries = [
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)
                ]
                self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)
            return len(messages)

    def drain(self) -> int:
        delivered = 0
        while True:
            count = self.pump_once()
            if count == 0:
                return delivered
            delivered += count
