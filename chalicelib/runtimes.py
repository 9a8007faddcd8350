"""The two runtimes' storage: where events, views and the outbox live, and
whether projections run right after each command (embedded) or from the
event streams (AWS). Chosen by MINILOOP_RUNTIME; everything else is shared."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

from .clock import Clock
from .projections.base import Doc, PagedViewReader, ViewStore, rank_time
from .settings import Settings

if TYPE_CHECKING:
    from .adapters.dynamodb.connection import Tables
    from .adapters.dynamodb.indexer import Indexer
    from .adapters.idempotency import IdempotencyKeys
    from .adapters.outbox_dispatch import Outbox, OutboxDispatcher
    from .adapters.pii import KeyStore
    from .adapters.sqlite_views import SQLiteViewStore
    from .adapters.sqs_queue import OutboxQueue
    from .application.ports import RateLimits


class ReadModels(ViewStore, PagedViewReader, Protocol):
    """A view store: written by the projection runner, read by the API and jobs."""

    def dump(self, projection: str, generation: int | None = None) -> dict[str, Doc]: ...


class Embedded:
    """SQLite files under data_dir; projections and the outbox run in-process
    after every command, so a caller reads its own writes."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock

    def persistence_env(self) -> dict[str, str]:
        from .adapters.sqlite_db import create_private

        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        create_private(self.settings.events_db)  # 0600 before eventsourcing opens it
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(self.settings.events_db),
            "SQLITE_LOCK_TIMEOUT": "30",
        }

    def behaviour_env(self) -> dict[str, str]:
        """The behaviour log's own file: its own total order, off the order log."""
        from .adapters.sqlite_db import create_private

        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        create_private(self.settings.behaviour_db)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(self.settings.behaviour_db),
            "SQLITE_LOCK_TIMEOUT": "30",
        }

    @cached_property
    def rate_limits(self) -> RateLimits:
        from .adapters.rate_limits import SQLiteRateLimits

        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return SQLiteRateLimits(self.settings.behaviour_db)

    @cached_property
    def sqlite_views(self) -> SQLiteViewStore:
        from .adapters.sqlite_views import SQLiteViewStore

        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return SQLiteViewStore(self.settings.views_db, self.clock.now)

    @property
    def views(self) -> ReadModels:
        return self.sqlite_views

    @cached_property
    def outbox(self) -> Outbox:
        from .adapters.sqlite_outbox import SQLiteOutbox

        return SQLiteOutbox(self.sqlite_views)

    @cached_property
    def keys(self) -> KeyStore:
        from .adapters.pii.sqlite_keys import SQLiteKeyStore

        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return SQLiteKeyStore(self.settings.keys_db)

    @cached_property
    def idempotency_keys(self) -> IdempotencyKeys:
        from .adapters.idempotency import SQLiteIdempotencyKeys

        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return SQLiteIdempotencyKeys(self.settings.idempotency_db)

    keeps_files = True
    follows_up_in_process = True
    """Read-your-writes: projections, then side effects, before a command answers
    (follow_on.py)."""

    @property
    def rebuild_batch_size(self) -> int:
        """A rebuild's batches are larger than a catch-up's: a SQLite
        transaction writes each page of the file it touches once."""
        return self.settings.projection_rebuild_batch_size

    def send_due(self, dispatcher: OutboxDispatcher) -> dict[str, int]:
        return {"outbox_sent": dispatcher.dispatch_due()}

    def retry_later(self, message_id: str, delay: timedelta) -> None:
        """The ticker's dispatch_due picks retries up when they fall due."""


class Aws:
    """DynamoDB tables and an SQS queue; the indexer and projector run from the
    tables' streams, the sender from the queue (see app.py and infra/)."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock

    @property
    def rebuild_batch_size(self) -> int:
        """A rebuild's batches are a catch-up's: a DynamoDB transaction holds 100 items."""
        return self.settings.projection_batch_size

    def persistence_env(self) -> dict[str, str]:
        env = {
            "PERSISTENCE_MODULE": "chalicelib.adapters.dynamodb.factory",
            "DYNAMODB_TABLE_PREFIX": self.settings.table_prefix,
        }
        if self.settings.dynamodb_endpoint:
            env["DYNAMODB_ENDPOINT_URL"] = self.settings.dynamodb_endpoint
        if self.settings.aws_region:
            env["AWS_REGION"] = self.settings.aws_region
        return env

    def behaviour_env(self) -> dict[str, str]:
        """The behaviour log's own tables and indexer (`<prefix>-behaviour-*`)."""
        env = self.persistence_env()
        env["DYNAMODB_TABLE_PREFIX"] = self.tables.behaviour.prefix
        return env

    @cached_property
    def rate_limits(self) -> RateLimits:
        from .adapters.rate_limits import DynamoDBRateLimits

        return DynamoDBRateLimits(self.ddb, self.tables.idempotency)

    def _client(self, service: str, endpoint: str) -> Any:
        from .adapters.dynamodb.connection import client

        return client(service, endpoint, self.settings.aws_region)

    @cached_property
    def tables(self) -> Tables:
        from .adapters.dynamodb.connection import Tables

        return Tables(self.settings.table_prefix)

    @cached_property
    def ddb(self) -> Any:
        return self._client("dynamodb", self.settings.dynamodb_endpoint)

    @cached_property
    def queue(self) -> OutboxQueue:
        from .adapters.sqs_queue import OutboxQueue

        if not self.settings.outbox_queue_url:
            raise RuntimeError("MINILOOP_OUTBOX_QUEUE_URL is not configured")
        return OutboxQueue(
            self._client("sqs", self.settings.sqs_endpoint), self.settings.outbox_queue_url
        )

    @cached_property
    def views(self) -> ReadModels:
        from .adapters.dynamodb.views import DynamoDBViewStore

        now: Callable[[], str] = lambda: rank_time(self.clock.now())  # noqa: E731
        return DynamoDBViewStore(self.ddb, self.tables, now, self.queue.send)

    @cached_property
    def outbox(self) -> Outbox:
        from .adapters.dynamodb.outbox import DynamoDBOutbox

        return DynamoDBOutbox(self.ddb, self.tables)

    @cached_property
    def keys(self) -> KeyStore:
        from .adapters.pii.dynamodb_keys import DynamoDBKeyStore

        return DynamoDBKeyStore(self.ddb, self.tables.keys)

    @cached_property
    def idempotency_keys(self) -> IdempotencyKeys:
        from .adapters.idempotency import DynamoDBIdempotencyKeys

        return DynamoDBIdempotencyKeys(self.ddb, self.tables.idempotency)

    @cached_property
    def indexer(self) -> Indexer:
        from .adapters.dynamodb.indexer import Indexer

        return Indexer(self.ddb, self.tables)

    @cached_property
    def behaviour_indexer(self) -> Indexer:
        """The same indexer on the behaviour events table's stream."""
        from .adapters.dynamodb.indexer import Indexer

        return Indexer(self.ddb, self.tables.behaviour)

    keeps_files = False  # every Lambda instance has its own /tmp
    follows_up_in_process = False
    """The event streams drive projections and side effects, asynchronously."""

    def send_due(self, dispatcher: OutboxDispatcher) -> dict[str, int]:
        """Intents whose SQS message was lost, or whose retry fell due, go back on the queue."""
        due = [message.id for message in self.outbox.due(self.clock.now())]
        self.queue.send(due)
        return {"outbox_requeued": len(due)}

    def retry_later(self, message_id: str, delay: timedelta) -> None:
        self.queue.send([message_id], int(delay.total_seconds()))


Runtime = Embedded | Aws


def runtime_for(settings: Settings, clock: Clock) -> Runtime:
    if settings.runtime == "aws":
        return Aws(settings, clock)
    return Embedded(settings, clock)
