"""SQS as the outbox's delivery channel: each message carries one outbox id.
Delays (up to SQS's 15 minutes) schedule retries; longer backoffs are picked
up by the scheduled sweeper from the outbox table."""

from __future__ import annotations

import json
from typing import Any

MAX_DELAY_S = 900
_BATCH = 10


class OutboxQueue:
    def __init__(self, sqs: Any, queue_url: str) -> None:
        self.sqs = sqs
        self.queue_url = queue_url

    def send(self, message_ids: list[str], delay_s: int = 0) -> None:
        delay = max(0, min(MAX_DELAY_S, delay_s))
        for start in range(0, len(message_ids), _BATCH):
            chunk = message_ids[start : start + _BATCH]
            entries = [
                {"Id": str(i), "MessageBody": json.dumps({"id": mid}), "DelaySeconds": delay}
                for i, mid in enumerate(chunk)
            ]
            answer = self.sqs.send_message_batch(QueueUrl=self.queue_url, Entries=entries)
            failed = answer.get("Failed") or []
            if failed:
                raise RuntimeError(f"SQS refused {len(failed)} outbox messages: {failed[0]}")


def message_id(record: dict[str, Any]) -> str | None:
    """The outbox id an SQS record carries, or None for a malformed body."""
    try:
        body = json.loads(record.get("body") or "")
    except json.JSONDecodeError:
        return None
    value = body.get("id") if isinstance(body, dict) else None
    return value if isinstance(value, str) and value else None
