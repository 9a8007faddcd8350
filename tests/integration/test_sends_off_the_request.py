"""On the embedded runtime a command answers once its events are committed and
its read models caught up; the notification it causes is sent by the
background sender, never inside the command, and exactly once even with the
ticker sending at the same time."""

from __future__ import annotations

import threading
from typing import Any
from uuid import UUID

import pytest

from chalicelib.bootstrap import Container
from chalicelib.domain.outbox_messages import NOTIFY
from chalicelib.domain.values import Address, Delivery
from chalicelib.projections import queries

from .conftest import list_tea

WAIT_S = 30.0
DELIVERY = Delivery(method="express")
ADDRESS = Address("Alice", "13800000000", "Guangdong", "Shenzhen", "Nanshan", "1 Tea Rd")


def buy(container: Container, openid: str, n: int) -> UUID:
    shop = container.shop
    member_id, _ = shop.logins.log_in(openid=openid, unionid=None, scene=None, query={})
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("TEA", 1)], delivery=DELIVERY, address=ADDRESS
    )
    shop.payments.record_payment(
        out_trade_no=order_id.hex,
        transaction_id=f"t-{openid}-{n}",
        amount_fen=shop.orders.order(order_id).price.payable_fen,
        paid_at=container.now(),
    )
    return order_id


def paid_message(container: Container, order_id: UUID) -> dict[str, Any]:
    [message] = [
        m for m in container.outbox.messages() if m["id"] == f"notify:order_paid:{order_id}"
    ]
    return message


def test_a_payment_answers_before_its_notification_is_sent(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    list_tea(container, 5)
    sending, release = threading.Event(), threading.Event()
    notify = container.dispatcher.handlers[NOTIFY]
    senders: list[threading.Thread] = []

    def slow_notify(payload: dict[str, Any]) -> None:  # a WeChat that takes its time
        if payload["trigger"] == "order_paid":
            senders.append(threading.current_thread())
            sending.set()
            assert release.wait(WAIT_S)
        notify(payload)

    handlers = {**container.dispatcher.handlers, NOTIFY: slow_notify}
    monkeypatch.setattr(container.dispatcher, "handlers", handlers)

    order_id = buy(container, "o-alice", 1)  # answers although the send is held

    assert queries.order(container.views, order_id)["status"] == "paid"  # read-your-writes
    assert sending.wait(WAIT_S)
    assert threading.current_thread() not in senders
    assert paid_message(container, order_id)["status"] == "sending"
    assert not container.follow_on.settle(0.05)
    release.set()
    assert container.follow_on.settle(WAIT_S)
    assert paid_message(container, order_id)["status"] == "sent"


def test_each_notification_is_sent_once_with_the_ticker_sending_too(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    list_tea(container, 50)
    sent: list[str] = []
    lock = threading.Lock()
    notify = container.dispatcher.handlers[NOTIFY]

    def counting_notify(payload: dict[str, Any]) -> None:
        notify(payload)
        with lock:
            sent.append(str(payload["intent_id"]))

    handlers = {**container.dispatcher.handlers, NOTIFY: counting_notify}
    monkeypatch.setattr(container.dispatcher, "handlers", handlers)
    done = threading.Event()

    def ticker() -> None:
        while not done.is_set():
            container.scheduler.tick()

    def buyer(n: int) -> None:
        for k in range(5):
            buy(container, f"o-buyer-{n}", k)

    tick = threading.Thread(target=ticker)
    tick.start()
    buyers = [threading.Thread(target=buyer, args=(n,)) for n in range(4)]
    for thread in buyers:
        thread.start()
    for thread in buyers:
        thread.join()
    done.set()
    tick.join()
    assert container.follow_on.settle(WAIT_S)
    container.scheduler.tick()  # nothing left for the safety net

    messages = [m for m in container.outbox.messages(limit=1000) if m["kind"] == NOTIFY]
    intents = [m["payload"]["intent_id"] for m in messages]
    assert len([m for m in messages if m["payload"]["trigger"] == "order_paid"]) == 20
    assert sorted(sent) == sorted(set(sent)) == sorted(intents)
    assert {m["status"] for m in container.outbox.messages(limit=1000)} == {"sent"}
