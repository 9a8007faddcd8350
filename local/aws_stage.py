"""A stage of the AWS runtime on the local engines: the tables from
infra/tables.tf.json, the outbox queue with its dead-letter queue, and the
queue a rebuild continues through."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .aws_tables import create_tables, delete_tables
from .engines import REGION, Engines

MAX_RECEIVES = 5


@dataclass(frozen=True)
class Stage:
    prefix: str
    queue_url: str
    dead_letter_url: str
    rebuild_queue_url: str

    def settings(self, engines: Engines) -> dict[str, str]:
        """Settings fields (MINILOOP_* without the prefix) for this stage."""
        return {
            "runtime": "aws",
            "table_prefix": self.prefix,
            "outbox_queue_url": self.queue_url,
            "rebuild_queue_url": self.rebuild_queue_url,
            "aws_region": REGION,
            "dynamodb_endpoint": engines.dynamodb_url,
            "sqs_endpoint": engines.moto_url,
        }


def create_stage(engines: Engines, prefix: str) -> Stage:
    """The tables from infra/tables.tf.json, the outbox queue with its DLQ and
    the rebuild queue."""
    create_tables(engines.client("dynamodb"), prefix)
    sqs = engines.client("sqs")
    dlq_url = sqs.create_queue(QueueName=f"{prefix}-outbox-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(MAX_RECEIVES)})
    queue_url = sqs.create_queue(
        QueueName=f"{prefix}-outbox",
        Attributes={"VisibilityTimeout": "2", "RedrivePolicy": redrive},
    )["QueueUrl"]
    rebuild_url = sqs.create_queue(
        QueueName=f"{prefix}-rebuild", Attributes={"VisibilityTimeout": "2"}
    )["QueueUrl"]
    return Stage(prefix, queue_url, dlq_url, rebuild_url)


def drop_stage(engines: Engines, stage: Stage) -> None:
    delete_tables(engines.client("dynamodb"), stage.prefix)
    sqs = engines.client("sqs")
    for url in (stage.queue_url, stage.dead_letter_url, stage.rebuild_queue_url):
        sqs.delete_queue(QueueUrl=url)
