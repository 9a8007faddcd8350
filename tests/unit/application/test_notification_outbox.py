"""The outbox dispatcher and the sender together: a deferral waits, an outage retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from chalicelib.adapters.outbox_dispatch import OutboxDispatcher
from chalicelib.application import Shop
from chalicelib.application.ports import MessageRefused, MessengerUnavailable
from chalicelib.clock import FixedClock
from chalicelib.domain.outbox_messages import NotifyMessage
from chalicelib.outbox_handlers import read_message

from .notification_fakes import FakeMessenger, MemoryOutbox, intent
from .support import rewired

MORNING = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)  # 08:00 in Beijing


def dispatcher(shop: Shop, outbox: MemoryOutbox, retries: list[tuple[str, timedelta]]) -> Any:
    def notify(payload: dict[str, Any]) -> None:
        shop.notifications.send_notification(
            read_message(NotifyMessage.from_payload, payload),
            intent_status="queued",
            follower_of=lambda unionid: None,
        )

    return OutboxDispatcher(
        outbox,
        {"notify": notify},
        shop.clock,
        transient=(MessengerUnavailable,),
        permanent=(MessageRefused,),
        on_retry=lambda message_id, delay: retries.append((message_id, delay)),
    )


def test_a_deferred_intent_waits_for_the_morning_without_backoff_or_failure(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    messenger = FakeMessenger()
    shop = rewired(shop, messenger=messenger)
    shop.subscriptions.grant_subscriptions(member_id, {"sandbox-campaign_starting-sub": "accept"})
    clock.set(datetime(2026, 11, 1, 15, 30, tzinfo=UTC))  # 23:30 in Beijing
    outbox, retries = MemoryOutbox(), []
    outbox.add(
        "notify:campaign_starting:c1",
        "notify",
        intent("campaign_starting", "c1", member_id),
        clock.now(),
    )
    dispatch = dispatcher(shop, outbox, retries)

    assert dispatch.dispatch_due() == 0

    row = outbox.rows["notify:campaign_starting:c1"]
    assert (row["status"], row["next_attempt_at"]) == ("pending", MORNING)
    assert retries == [("notify:campaign_starting:c1", timedelta(hours=8, minutes=30))]
    clock.set(MORNING - timedelta(seconds=1))
    assert dispatch.dispatch_due() == 0
    clock.set(MORNING)
    assert dispatch.dispatch_due() == 1
    assert messenger.channels() == ["subscribe"]


def test_an_outage_is_retried_with_backoff_and_then_sent(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    messenger = FakeMessenger(unavailable=True)
    shop = rewired(shop, messenger=messenger)
    shop.subscriptions.grant_subscriptions(member_id, {"sandbox-order_paid-sub": "accept"})
    outbox, retries = MemoryOutbox(), []
    outbox.add("notify:order_paid:o1", "notify", intent("order_paid", "o1", member_id), clock.now())
    dispatch = dispatcher(shop, outbox, retries)

    assert dispatch.dispatch_due() == 0

    assert outbox.rows["notify:order_paid:o1"]["last_error"] == "wechat -1 system busy"
    assert retries == [("notify:order_paid:o1", timedelta(seconds=10))]
    messenger.unavailable = False
    clock.advance(seconds=10)
    assert dispatch.dispatch_due() == 1
    assert messenger.channels() == ["subscribe"]
