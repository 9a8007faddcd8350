"""The DynamoDB view store and outbox on DynamoDB Local and moto's SQS.

The event source here is the embedded store (its views are built in-process),
so each DynamoDB-built projection can be compared with the SQLite-built one:
the same runner and projections must yield the same views on both stores."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chalicelib.adapters.dynamodb.connection import Tables, client
from chalicelib.adapters.dynamodb.outbox import DynamoDBOutbox
from chalicelib.adapters.dynamodb.views import DynamoDBViewStore
from chalicelib.adapters.outbox_dispatch import OutboxDispatcher
from chalicelib.adapters.sqs_queue import OutboxQueue, message_id
from chalicelib.bootstrap import Container
from chalicelib.clock import FixedClock
from chalicelib.projections import all_projections
from chalicelib.projections.base import Projection, ViewWriter, rank_time
from chalicelib.projections.runner import ReadModelRunner
from local.aws_stage import Stage, create_stage, drop_stage
from local.engines import REGION, Engines
from local.queue_pump import QueuePump
from tests.integration.conftest import make_container
from tests.integration.test_rebuild import make_history


@pytest.fixture
def stage(engines: Engines, request: pytest.FixtureRequest) -> Iterator[Stage]:
    made = create_stage(engines, f"views-{abs(hash(request.node.name)) % 10**8}")
    yield made
    drop_stage(engines, made)


@pytest.fixture
def history(tmp_path: Path) -> Iterator[Container]:
    c = make_container(tmp_path / "data")
    make_history(c)
    yield c
    c.close()


def store_for(engines: Engines, stage: Stage, clock: FixedClock) -> DynamoDBViewStore:
    queue = OutboxQueue(client("sqs", engines.moto_url, REGION), stage.queue_url)
    ddb = client("dynamodb", engines.dynamodb_url, REGION)
    return DynamoDBViewStore(ddb, Tables(stage.prefix), lambda: rank_time(clock.now()), queue.send)


def test_views_built_on_dynamodb_equal_the_sqlite_ones(
    engines: Engines, stage: Stage, history: Container
) -> None:
    store = store_for(engines, stage, history.clock)
    runner = ReadModelRunner(history.shop.store, store, all_projections())
    assert runner.catch_up() == runner.log_length() * len(runner.projections)
    for name in runner.projections:
        assert store.dump(name) == history.views.dump(name), name
    assert runner.catch_up() == 0


def test_rebuild_switches_generation_and_drops_the_old_one(
    engines: Engines, stage: Stage, history: Container
) -> None:
    store = store_for(engines, stage, history.clock)
    runner = ReadModelRunner(history.shop.store, store, all_projections(), batch_size=37)
    runner.catch_up()
    before = store.dump("order_status")
    assert runner.rebuild("order_status").events == runner.log_length()
    assert store.generation("order_status") == 2
    assert store.dump("order_status") == before
    assert store.dump("order_status", generation=1) == {}


class Killed(BaseException):
    """The process dies (not a projection's error, which would park it)."""


class Crashing:
    """Wraps a projection and dies once, partway through a batch."""

    def __init__(self, inner: Projection, after: int) -> None:
        self.inner = inner
        self.name = inner.name
        self.left = after

    def apply(self, event: Any, views: ViewWriter) -> None:
        if self.left == 0:
            self.left = -1
            raise Killed("projector killed mid-batch")
        self.left -= 1
        self.inner.apply(event, views)


def test_projector_killed_mid_batch_resumes_to_the_clean_rebuild(
    engines: Engines, stage: Stage, history: Container
) -> None:
    store = store_for(engines, stage, history.clock)
    projections = [Crashing(p, after=25) for p in all_projections()]
    runner = ReadModelRunner(history.shop.store, store, list(projections), batch_size=10)
    with pytest.raises(Killed, match="killed"):
        runner.catch_up()
    assert store.position("catalogue", 1) == 20  # two whole batches, none of the third
    while True:
        try:
            runner.catch_up()
            break
        except Killed:
            continue  # each wrapped projection crashes once
    resumed = {name: store.dump(name) for name in runner.projections}
    for name in runner.projections:
        runner.rebuild(name)
        assert store.dump(name) == resumed[name] == history.views.dump(name), name


class Fanout:
    """Writes many items per event, more than one transaction can hold per batch."""

    name = "fanout"

    def apply(self, event: Any, views: ViewWriter) -> None:
        for i in range(30):
            views.put("copies", f"{event.originator_id}-{event.originator_version}-{i}", {"i": i})


def test_a_batch_too_large_for_one_transaction_is_split(
    engines: Engines, stage: Stage, history: Container
) -> None:
    store = store_for(engines, stage, history.clock)
    runner = ReadModelRunner(history.shop.store, store, [Fanout()], batch_size=50)
    assert runner.catch_up() == runner.log_length()
    assert len(store.dump("fanout")) == 30 * runner.log_length()
    assert store.position("fanout", 1) == runner.log_length()


def test_racing_runners_apply_each_event_once(
    engines: Engines, stage: Stage, history: Container
) -> None:
    store = store_for(engines, stage, history.clock)
    runners = [
        ReadModelRunner(history.shop.store, store, all_projections(), batch_size=7)
        for _ in range(4)
    ]
    start = threading.Barrier(len(runners))

    def run(r: ReadModelRunner) -> None:
        start.wait()
        r.catch_up()

    threads = [threading.Thread(target=run, args=(r,)) for r in runners]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name in runners[0].projections:
        assert store.dump(name) == history.views.dump(name), name


def test_refund_intents_are_queued_once_and_sent_once(
    engines: Engines, stage: Stage, history: Container
) -> None:
    store = store_for(engines, stage, history.clock)
    runner = ReadModelRunner(history.shop.store, store, all_projections())
    runner.catch_up()
    runner.rebuild("refund_requests")  # a rebuild must not enqueue or send again
    sent: list[str] = []
    outbox = DynamoDBOutbox(store.ddb, Tables(stage.prefix))
    dispatcher = OutboxDispatcher(
        outbox,
        {"wechatpay.refund": lambda payload: sent.append(payload["out_refund_no"])},
        history.clock,
        transient=(),
        permanent=(),
    )

    def sender(event: dict[str, Any], context: Any) -> dict[str, Any]:
        for record in event["Records"]:
            dispatcher.send_one(str(message_id(record)))
        return {"batchItemFailures": []}

    pump = QueuePump(client("sqs", engines.moto_url, REGION), stage.queue_url, sender)
    pump.drain()
    refunds = [m for m in outbox.messages() if m["kind"] == "wechatpay.refund"]
    assert len(refunds) == 3
    assert sorted(sent) == sorted(m["id"] for m in refunds)
    assert {m["status"] for m in refunds} == {"sent"}
    assert dispatcher.send_one(sent[0]) == 0  # a redelivered message sends nothing
    assert outbox.due(history.clock.now()) == []
