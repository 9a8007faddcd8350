"""One low-level DynamoDB client per process, and transactions whose refused
conditions surface as the library's IntegrityError."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import IntegrityError, OperationalError, ProgrammingError

MAX_TRANSACTION_ITEMS = 100
READ_TIMEOUT_S = 10
LOCAL_READ_TIMEOUT_S = 60
"""A local engine (DynamoDB Local, moto) shares the machine with the load that
tests or benchmarks put on it, and queues requests rather than scaling out: a
request that waits there is slow, not lost, and retrying it only adds load."""
_RETRYABLE = {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}


LOCAL_LOCK_TIMEOUT = "waiting for a lock"
"""DynamoDB Local (not DynamoDB) answers a transaction that waited too long for
another one's items with InternalServerError "...too long waiting for a lock.
This request will succeed in actual DynamoDB API": nothing was written, so it is
the same lost race as a TransactionConflict."""


class _Contended(OperationalError):
    """Another transaction held the same items; nothing of ours was written."""


@dataclass(frozen=True)
class Tables:
    """The stage's table names, from one prefix (see infra/tables.tf.json)."""

    prefix: str

    @property
    def events(self) -> str:
        return f"{self.prefix}-events"

    @property
    def snapshots(self) -> str:
        return f"{self.prefix}-snapshots"

    @property
    def log(self) -> str:
        return f"{self.prefix}-log"

    @property
    def views(self) -> str:
        return f"{self.prefix}-views"

    @property
    def outbox(self) -> str:
        return f"{self.prefix}-outbox"

    @property
    def keys(self) -> str:
        return f"{self.prefix}-keys"

    @property
    def idempotency(self) -> str:
        return f"{self.prefix}-idempotency"

    @property
    def behaviour(self) -> Tables:
        """The behaviour log's own event store: `<prefix>-behaviour-events` and
        `-behaviour-log` (it keeps no snapshots)."""
        return Tables(f"{self.prefix}-behaviour")


_clients: dict[tuple[str, str | None, str | None], Any] = {}
_clients_lock = threading.Lock()


def client(service: str, endpoint_url: str | None = None, region: str | None = None) -> Any:
    """A shared boto3 client (clients are thread-safe; sessions are not).

    boto3 is imported here, on first use, to keep it off the cold-start path
    of functions that never touch AWS."""
    key = (service, endpoint_url or None, region or None)
    with _clients_lock:
        if key not in _clients:
            import boto3
            from botocore.config import Config

            config = Config(
                retries={"max_attempts": 8, "mode": "adaptive"},
                max_pool_connections=64,
                connect_timeout=3,
                read_timeout=LOCAL_READ_TIMEOUT_S if endpoint_url else READ_TIMEOUT_S,
            )
            _clients[key] = boto3.session.Session().client(
                service,
                endpoint_url=endpoint_url or None,
                region_name=region or None,
                config=config,
            )
        return _clients[key]


def transact(ddb: Any, items: Sequence[dict[str, Any]], *, attempts: int = 6) -> None:
    """Runs TransactWriteItems; a refused condition raises IntegrityError.

    DynamoDB may cancel a transaction because another one touched the same
    items at that moment, or throttled it; nothing was written, so it is tried
    again after a jittered backoff. If another writer keeps holding the items,
    that is a lost race like a refused condition: IntegrityError, so the use
    case reloads and decides again. Persistent throttling is OperationalError."""
    if not items:
        return
    if len(items) > MAX_TRANSACTION_ITEMS:
        raise ProgrammingError(
            f"one transaction may write at most {MAX_TRANSACTION_ITEMS} items, got {len(items)}"
        )
    for attempt in range(attempts):
        try:
            _transact_once(ddb, items)
            return
        except OperationalError as error:
            if attempt < attempts - 1:
                time.sleep(random.uniform(0, 0.01 * 2**attempt))
            elif isinstance(error, _Contended):
                raise IntegrityError(f"lost the race for these items: {error}") from error
            else:
                raise


def _transact_once(ddb: Any, items: Sequence[dict[str, Any]]) -> None:
    try:
        ddb.transact_write_items(TransactItems=list(items))
    except ddb.exceptions.TransactionCanceledException as error:
        reasons = [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]
        if "ConditionalCheckFailed" in reasons or "DuplicateItem" in reasons:
            raise IntegrityError(f"write refused: {reasons}") from error
        if set(reasons) - {"None"} == {"TransactionConflict"}:
            raise _Contended(f"transaction cancelled: {reasons}") from error
        if set(reasons) - {"None"} <= _RETRYABLE:
            raise OperationalError(f"transaction cancelled: {reasons}") from error
        raise
    except ddb.exceptions.TransactionConflictException as error:
        raise _Contended("transaction conflict") from error
    except ddb.exceptions.InternalServerError as error:
        if LOCAL_LOCK_TIMEOUT not in str(error):
            raise
        raise _Contended("DynamoDB Local timed out on a lock") from error
