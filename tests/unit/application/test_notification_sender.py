"""Sending notification intents: the right channel, and never twice.

The Shop runs for real on the in-memory event store; only WeChat (the
Messenger port) is a fake, which deduplicates template messages by
client_msg_id as WeChat does."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

import pytest

from chalicelib.application import Shop
from chalicelib.application.ports import MessengerUnavailable
from chalicelib.clock import FixedClock
from chalicelib.domain.inbox import Inbox
from chalicelib.domain.notification import Notification
from chalicelib.domain.notify_triggers import notification_id_for

from .notification_fakes import (
    FOLLOWER,
    MP_OPENID,
    PAID_SUB,
    FakeMessenger,
    SenderCrashed,
    credits,
    grant,
    intent,
    messenger,
    notification,
    send,
)
from .support import stored_events

__all__ = ["messenger"]  # the fixture


def test_an_urgent_message_with_a_credit_goes_as_a_subscribe_message_once(
    shop: Shop, member_id: UUID, messenger: FakeMessenger
) -> None:
    grant(shop, member_id)
    paid = intent("order_paid", "order-1", member_id)

    assert send(shop, paid, FOLLOWER) == "sent"
    assert send(shop, paid, FOLLOWER) == "sent"  # the outbox delivered it again

    (message,) = messenger.sent
    assert (message["channel"], message["touser"]) == ("subscribe", MP_OPENID)
    assert (message["template_id"], message["page"]) == (PAID_SUB, "pages/orders/detail?id=order-1")
    assert message["data"]["amount2"] == {"value": "¥12.30"}
    assert credits(shop, member_id) == 0
    assert stored_events(shop, notification_id_for(paid["intent_id"])) == [
        Notification.Considered,
        Notification.Dispatched,
        Notification.Sent,
    ]


def test_without_a_credit_a_follower_gets_a_template_message_with_the_page(
    shop: Shop, member_id: UUID, messenger: FakeMessenger
) -> None:
    shipped = intent("order_shipped", "order-1", member_id)

    assert send(shop, shipped, FOLLOWER) == "sent"

    (message,) = messenger.sent
    assert (message["channel"], message["touser"]) == ("template", "oa-alice")
    assert message["page"] == "pages/orders/detail?id=order-1"
    assert notification(shop, shipped).msgid == 1000


def meet_after_reading(
    shop: Shop, monkeypatch: pytest.MonkeyPatch, aggregate_id: UUID, parties: int
) -> None:
    """Each thread's first read of the aggregate waits for the others' (in the event
    store, not in our code), so they all decide on the same version and race to save."""
    barrier = threading.Barrier(parties, timeout=10)
    waited: set[int] = set()
    lock = threading.Lock()
    select_events = shop.store.recorder.select_events

    def select_then_meet(originator_id: UUID, *args: Any, **kwargs: Any) -> Any:
        events = select_events(originator_id, *args, **kwargs)
        me = threading.get_ident()
        with lock:
            meet = originator_id == aggregate_id and me not in waited and len(waited) < parties
            if meet:
                waited.add(me)
        if meet:
            barrier.wait()
        return events

    monkeypatch.setattr(shop.store.recorder, "select_events", select_then_meet)


def test_senders_racing_for_one_credit_send_one_subscribe_message(
    shop: Shop, member_id: UUID, messenger: FakeMessenger, monkeypatch: pytest.MonkeyPatch
) -> None:
    racers = 4
    grant(shop, member_id)
    payloads = [intent("order_paid", f"order-{n}", member_id) for n in range(racers)]
    meet_after_reading(shop, monkeypatch, Inbox.create_id(member_id), racers)

    with ThreadPoolExecutor(racers) as pool:
        outcomes = sorted(pool.map(lambda payload: send(shop, payload), payloads))

    assert outcomes == ["sent"] + ["suppressed"] * (racers - 1)
    assert messenger.channels() == ["subscribe"]
    assert credits(shop, member_id) == 0
    reasons = {notification(shop, p).reason for p in payloads} - {""}
    assert reasons == {"no_channel"}


def test_a_template_message_whose_sender_died_is_resent_with_the_same_client_msg_id(
    shop: Shop, member_id: UUID, clock: FixedClock, messenger: FakeMessenger
) -> None:
    shipped = intent("order_shipped", "order-1", member_id)
    messenger.crash_after_send = True
    with pytest.raises(SenderCrashed):
        send(shop, shipped, FOLLOWER)
    messenger.crash_after_send = False
    clock.advance(minutes=9)

    assert send(shop, shipped, FOLLOWER) == "sent"

    assert len(messenger.sent) == 1  # WeChat dropped the copy
    assert notification(shop, shipped).msgid == 1000
    assert messenger.sent[0]["client_msg_id"] == notification(shop, shipped).client_msg_id


def test_a_template_message_unconfirmed_for_10_minutes_is_never_resent(
    shop: Shop, member_id: UUID, clock: FixedClock, messenger: FakeMessenger
) -> None:
    shipped = intent("order_shipped", "order-1", member_id)
    messenger.crash_after_send = True
    with pytest.raises(SenderCrashed):
        send(shop, shipped, FOLLOWER)
    messenger.crash_after_send = False
    clock.advance(minutes=10)

    assert send(shop, shipped, FOLLOWER) == "failed"

    assert len(messenger.sent) == 1
    assert notification(shop, shipped).reason.startswith("unconfirmed")


def test_a_subscribe_message_whose_sender_died_is_never_resent(
    shop: Shop, member_id: UUID, messenger: FakeMessenger
) -> None:
    grant(shop, member_id)
    paid = intent("order_paid", "order-1", member_id)
    messenger.crash_after_send = True
    with pytest.raises(SenderCrashed):
        send(shop, paid, FOLLOWER)
    messenger.crash_after_send = False

    assert send(shop, paid, FOLLOWER) == "failed"
    assert send(shop, paid, FOLLOWER) == "failed"

    assert messenger.channels() == ["subscribe"]
    assert notification(shop, paid).reason == (
        "unconfirmed: the sender stopped after sending; not resent"
    )


def test_43101_falls_back_to_a_template_message_for_a_follower(
    shop: Shop, member_id: UUID, messenger: FakeMessenger
) -> None:
    grant(shop, member_id)
    messenger.refuse_subscribe = 43101
    paid = intent("order_paid", "order-1", member_id)

    assert send(shop, paid, FOLLOWER) == "sent"

    assert messenger.channels() == ["template"]
    assert stored_events(shop, notification_id_for(paid["intent_id"]))[1:] == [
        Notification.Dispatched,
        Notification.DispatchAbandoned,
        Notification.Dispatched,
        Notification.Sent,
    ]
    assert notification(shop, paid).channel == "template"


def test_43101_without_following_has_no_channel_left(
    shop: Shop, member_id: UUID, messenger: FakeMessenger
) -> None:
    grant(shop, member_id)
    messenger.refuse_subscribe = 43101
    paid = intent("order_paid", "order-1", member_id)

    assert send(shop, paid) == "suppressed"

    assert messenger.sent == []
    assert notification(shop, paid).reason == "no_channel"


def test_another_refusal_fails_the_notification(
    shop: Shop, member_id: UUID, messenger: FakeMessenger
) -> None:
    messenger.refuse_template = 43004
    shipped = intent("order_shipped", "order-1", member_id)

    assert send(shop, shipped, FOLLOWER) == "failed"
    assert send(shop, shipped, FOLLOWER) == "failed"

    assert notification(shop, shipped).reason == "wechat 43004"


def test_an_outage_gives_the_credit_back_and_the_outbox_retries(
    shop: Shop, member_id: UUID, messenger: FakeMessenger
) -> None:
    grant(shop, member_id)
    paid = intent("order_paid", "order-1", member_id)
    messenger.unavailable = True

    with pytest.raises(MessengerUnavailable):
        send(shop, paid)

    assert credits(shop, member_id) == 1
    assert notification(shop, paid).outcome is None
    messenger.unavailable = False
    assert send(shop, paid) == "sent"
    assert messenger.channels() == ["subscribe"]
    assert credits(shop, member_id) == 0
