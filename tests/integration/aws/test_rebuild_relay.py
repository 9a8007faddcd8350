"""The nightly rebuild on the AWS runtime, with a per-invocation budget far too
small for the log: it hands over through the real rebuild queue (moto's SQS)
to `continue_rebuild` as many times as it needs, readers stay on the old
generation until the switch, and every rebuilt view equals the one the
incremental projector built (DynamoDB Local)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import app
from chalicelib.bootstrap import Container
from chalicelib.domain.values import SkuSpec
from chalicelib.projections.base import Doc
from chalicelib.rebuild_relay import STALLED, Continuation
from local.engines import Engines
from local.queue_pump import QueuePump, lambda_event
from tests.integration.test_rebuild import ADDRESS, HOME, make_history
from tests.support.runtimes import Running, running_container

from .test_schedules import SCHEDULED_EVENT

BATCH = 20
BUDGET = 2
"""Batches per invocation: a log of ~280 events takes 8 invocations."""


class LambdaContext:
    """Plenty of time left: only the batch budget stops an invocation."""

    def get_remaining_time_in_millis(self) -> int:
        return 800_000


def aws_with(request: pytest.FixtureRequest, tmp_path: Path, **settings: Any) -> Any:
    return running_container(
        "aws",
        request,
        tmp_path / "data",
        projection_batch_size=BATCH,
        rebuild_budget_batches=BUDGET,
        **settings,
    )


@pytest.fixture
def aws(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Running]:
    with aws_with(request, tmp_path) as running:
        yield running


def more_orders(c: Container, count: int) -> None:
    """Paid orders of a second product, so the log runs to a few hundred events."""
    c.shop.catalogue.list_product(
        slug="cups",
        title="Cups",
        category="ware",
        description="",
        image_url="",
        skus=[(SkuSpec("CUP", "white", 3900), 1000)],
    )
    member = c.shop.logins.log_in(openid="o-cups", unionid=None, scene=1001, query={})[0]
    for i in range(count):
        order_id = c.shop.orders.place_order(
            member_id=member, items=[("CUP", 1 + i % 2)], delivery=HOME, address=ADDRESS
        )
        c.shop.payments.record_payment(
            out_trade_no=order_id.hex,
            transaction_id=f"cup{i}",
            amount_fen=c.shop.orders.order(order_id).price.payable_fen,
            paid_at=c.clock.now(),
        )
        c.clock.advance(minutes=3)


def history(aws: Running, orders: int = 0) -> dict[str, dict[str, Doc]]:
    """Builds the log (149 events, and `orders` more paid orders), lets the
    projector catch up, and dumps every view."""
    c = aws.container
    make_history(c)
    if orders:
        more_orders(c, orders)
    aws.settle()
    return {name: c.views.dump(name) for name in c.runner.projections}


def rebuild_queue(
    aws: Running, engines: Engines, check: Callable[[], None]
) -> tuple[QueuePump, list[str]]:
    """The rebuild queue delivered one message at a time to app.continue_rebuild,
    as Lambda's poller does; `check` runs before each delivery, and the bodies
    delivered are kept."""
    bodies: list[str] = []

    def deliver(event: dict[str, Any], context: Any) -> Any:
        bodies.extend(record["body"] for record in event["Records"])
        check()
        return app.continue_rebuild(event, LambdaContext())

    url = aws.container.settings.rebuild_queue_url
    return QueuePump(engines.client("sqs"), url, deliver, batch_size=1), bodies


def queued(engines: Engines, url: str) -> int:
    attributes = engines.client("sqs").get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def test_a_rebuild_finishes_across_invocations_with_views_equal_to_the_incremental_ones(
    aws: Running, engines: Engines
) -> None:
    c = aws.container
    before = history(aws, orders=15)
    assert c.runner.log_length() >= 250
    outbox_before = c.outbox.messages()
    names = list(c.runner.projections)

    def readers_still_on_the_old_generation() -> None:
        for name in names:
            assert c.views.generation(name) == 1, name
        assert c.views.dump("order_status") == before["order_status"]

    pump, bodies = rebuild_queue(aws, engines, readers_still_on_the_old_generation)
    app.rebuild_projections(SCHEDULED_EVENT, LambdaContext())
    while pump.pump_once():
        pass

    batches = -(-c.runner.log_length() // BATCH)
    assert len(bodies) >= batches // BUDGET - 1 >= 5  # many invocations, all through SQS
    continuations = [Continuation.parse(body) for body in bodies]
    assert [k.count for k in continuations if k] == list(range(1, len(bodies) + 1))
    assert len({k.run for k in continuations if k}) == 1
    for name in names:
        assert c.views.generation(name) == 2, name
        assert c.views.dump(name) == before[name], name
    assert c.outbox.messages() == outbox_before  # nothing to send again

    # A continuation delivered again after the switch (SQS delivers at least
    # once) finds the rebuild finished: it starts nothing and hands nothing over.
    sqs = engines.client("sqs")
    for body in (bodies[0], bodies[-1]):
        sqs.send_message(QueueUrl=c.settings.rebuild_queue_url, MessageBody=body)
    again, redelivered = rebuild_queue(aws, engines, lambda: None)
    while again.pump_once():
        pass
    assert len(redelivered) == 2
    assert queued(engines, c.settings.rebuild_queue_url) == 0
    for name in names:
        assert c.views.generation(name) == 2, name
        assert c.views.position(name, 3) == 0, f"{name}: a new rebuild was started"
        assert c.views.dump(name) == before[name], name


def test_racing_continuations_of_one_rebuild_both_advance_it_and_it_switches_once(
    aws: Running, engines: Engines
) -> None:
    """The same continuation delivered twice at once (two real threads, as two
    Lambda instances would): the runner's positions make each batch commit once."""
    c = aws.container
    before = history(aws)
    names = list(c.runner.projections)
    sqs = engines.client("sqs")
    url = c.settings.rebuild_queue_url
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    app.rebuild_projections(SCHEDULED_EVENT, LambdaContext())
    errors: list[Exception] = []

    def invoke(message: dict[str, Any]) -> None:
        try:
            app.continue_rebuild(lambda_event(arn, "us-east-1", [message]), LambdaContext())
        except Exception as error:  # any failure: the main thread fails the test with it
            errors.append(error)

    for _ in range(200):
        answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        messages = answer.get("Messages", [])
        if not messages:
            break
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        twice = messages if len(messages) > 1 else messages * 2
        threads = [threading.Thread(target=invoke, args=(m,)) for m in twice]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
    else:
        pytest.fail("the continuations never stopped")

    for name in names:
        assert c.views.generation(name) == 2, name
        assert c.views.position(name, 3) == 0, f"{name}: a new rebuild was started"
        assert c.views.dump(name) == before[name], name


def test_a_rebuild_that_cannot_finish_stops_at_the_cap_and_says_so(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    engines: Engines,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with aws_with(request, tmp_path, rebuild_max_continuations=2) as aws:
        c = aws.container
        before = history(aws)
        with caplog.at_level(logging.INFO):
            app.rebuild_projections(SCHEDULED_EVENT, LambdaContext())
            aws.settle()  # delivers the continuations, as Lambda would
        stalled = [r for r in caplog.records if r.getMessage().startswith(STALLED)]
        assert len(stalled) == 1 and stalled[0].levelno == logging.ERROR
        assert queued(engines, c.settings.rebuild_queue_url) == 0
        legs = [r for r in caplog.records if "events in this invocation" in r.getMessage()]
        assert len(legs) == 3  # the start and the two continuations the cap allows
        for name in c.runner.projections:
            assert c.views.generation(name) == 1, name  # readers never saw a half-built view
            assert c.views.dump(name) == before[name], name
            assert 0 < c.views.position(name, 2) < c.runner.log_length(), name
