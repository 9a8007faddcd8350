"""`PERSISTENCE_MODULE=chalicelib.adapters.dynamodb.factory`: the library's
applications on the DynamoDB tables of one stage.

Environment: DYNAMODB_TABLE_PREFIX (required; the stage's `<p>`),
DYNAMODB_ENDPOINT_URL (optional; DynamoDB Local in tests), AWS_REGION or
AWS_DEFAULT_REGION (optional). Tables are made by Terraform (infra/), never
here, so CREATE_TABLE is ignored."""

from __future__ import annotations

from typing import TypeVar

from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    InfrastructureFactory,
    InfrastructureFactoryError,
    ProcessRecorder,
)
from eventsourcing.utils import Environment, EnvType, resolve_topic

from .connection import Tables, client
from .recorders import (
    DynamoDBAggregateRecorder,
    DynamoDBApplicationRecorder,
    DynamoDBProcessRecorder,
    DynamoDBTrackingRecorder,
)

R = TypeVar("R")


class DynamoDBFactory(InfrastructureFactory[DynamoDBTrackingRecorder]):
    DYNAMODB_TABLE_PREFIX = "DYNAMODB_TABLE_PREFIX"
    DYNAMODB_ENDPOINT_URL = "DYNAMODB_ENDPOINT_URL"

    aggregate_recorder_class = DynamoDBAggregateRecorder
    application_recorder_class = DynamoDBApplicationRecorder
    tracking_recorder_class = DynamoDBTrackingRecorder
    process_recorder_class = DynamoDBProcessRecorder

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        prefix = self.env.get(self.DYNAMODB_TABLE_PREFIX)
        if not prefix:
            keys = ", ".join(self.env.create_keys(self.DYNAMODB_TABLE_PREFIX))
            raise OSError(f"DynamoDB table prefix not found in environment with keys: {keys}")
        region = self.env.get("AWS_REGION") or self.env.get("AWS_DEFAULT_REGION") or None
        endpoint_url = self.env.get(self.DYNAMODB_ENDPOINT_URL) or None
        self.tables = Tables(prefix)
        self.ddb = client("dynamodb", endpoint_url, region)

    def aggregate_recorder(self, purpose: str = "events") -> AggregateRecorder:
        return self.aggregate_recorder_class(self.ddb, self.tables, purpose)

    def application_recorder(self) -> ApplicationRecorder:
        cls = self._recorder_class(self.APPLICATION_RECORDER_TOPIC, self.application_recorder_class)
        return cls(self.ddb, self.tables)

    def tracking_recorder(
        self, tracking_recorder_class: type[DynamoDBTrackingRecorder] | None = None
    ) -> DynamoDBTrackingRecorder:
        cls = tracking_recorder_class or self._recorder_class(
            self.TRACKING_RECORDER_TOPIC, self.tracking_recorder_class
        )
        return cls(self.ddb, self.tables)

    def process_recorder(self) -> ProcessRecorder:
        cls = self._recorder_class(self.PROCESS_RECORDER_TOPIC, self.process_recorder_class)
        return cls(self.ddb, self.tables)

    def _recorder_class(self, topic_key: str, default: type[R]) -> type[R]:
        """The class named by the environment's topic, which must specialise ours."""
        topic = self.env.get(topic_key)
        if not topic:
            return default
        cls = resolve_topic(topic)
        if not (isinstance(cls, type) and issubclass(cls, default)):
            msg = f"{topic_key}={topic!r} is not a subclass of {default.__qualname__}"
            raise InfrastructureFactoryError(msg)
        return cls
