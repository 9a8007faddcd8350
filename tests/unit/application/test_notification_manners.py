"""Manners of the sender: quiet hours, frequency caps, opt-outs, and messages no
longer worth sending; the Shop for real, WeChat faked."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from chalicelib.application import Shop
from chalicelib.application.errors import InvalidInput
from chalicelib.application.ports import Deferred
from chalicelib.clock import FixedClock
from chalicelib.domain.inbox import Inbox

from .notification_fakes import (
    FOLLOWER,
    FakeMessenger,
    credits,
    grant,
    intent,
    messenger,
    notification,
    send,
)

__all__ = ["messenger"]  # the fixture


def test_marketing_in_quiet_hours_is_deferred_to_8_in_the_morning(
    shop: Shop, member_id: UUID, clock: FixedClock, messenger: FakeMessenger
) -> None:
    grant(shop, member_id, "sandbox-campaign_starting-sub")
    clock.set(datetime(2026, 11, 1, 15, 0, tzinfo=UTC))  # 23:00 in Beijing
    starting = intent("campaign_starting", "c1:m1", member_id)

    with pytest.raises(Deferred) as deferred:
        send(shop, starting)

    morning = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)
    assert deferred.value.until == morning
    assert messenger.sent == []
    clock.set(morning)
    assert send(shop, starting) == "sent"
    assert messenger.channels() == ["subscribe"]


def test_marketing_goes_at_most_once_a_day_across_both_channels(
    shop: Shop, member_id: UUID, clock: FixedClock, messenger: FakeMessenger
) -> None:
    grant(shop, member_id, "sandbox-campaign_starting-sub")
    assert send(shop, intent("campaign_starting", "c1:m1", member_id), FOLLOWER) == "sent"
    clock.advance(hours=23)
    second = intent("campaign_starting", "c2:m1", member_id)

    assert send(shop, second, FOLLOWER) == "suppressed"

    assert notification(shop, second).reason == "frequency_cap"
    clock.advance(hours=1)
    assert send(shop, intent("campaign_starting", "c3:m1", member_id), FOLLOWER) == "sent"
    assert messenger.channels() == ["subscribe", "template"]


def test_an_opted_out_category_is_suppressed_on_both_channels(
    shop: Shop, member_id: UUID, messenger: FakeMessenger
) -> None:
    grant(shop, member_id, "sandbox-campaign_starting-sub")
    shop.subscriptions.set_notification_preferences(member_id, ["marketing"])
    starting = intent("campaign_starting", "c1:m1", member_id)

    assert send(shop, starting, FOLLOWER) == "suppressed"

    assert messenger.sent == []
    assert notification(shop, starting).reason == "opted_out"
    assert credits(shop, member_id, "sandbox-campaign_starting-sub") == 1


@pytest.mark.parametrize(
    ("trigger", "status", "extra", "reason"),
    [
        ("coupon_expiring", "cancelled", {}, "no_longer_relevant"),
        ("coupon_expiring", "queued", {"expires_at": "2026-11-01T02:00:00+00:00"}, "expired"),
        ("follow_prompt", "queued", {}, "already_follows"),
    ],
)
def test_messages_no_longer_worth_sending_are_suppressed(
    shop: Shop,
    member_id: UUID,
    messenger: FakeMessenger,
    trigger: str,
    status: str,
    extra: dict[str, object],
    reason: str,
) -> None:
    grant(shop, member_id, f"sandbox-{trigger}-sub")
    payload = intent(trigger, "subject-1", member_id, **extra)

    assert send(shop, payload, FOLLOWER, status=status) == "suppressed"

    assert notification(shop, payload).reason == reason
    assert messenger.sent == []


def test_a_closed_account_gets_nothing(
    shop: Shop, member_id: UUID, messenger: FakeMessenger
) -> None:
    shop.members.close_account(member_id)
    paid = intent("order_paid", "order-1", member_id)

    assert send(shop, paid, FOLLOWER) == "suppressed"
    assert notification(shop, paid).reason == "account_closed"


def test_fields_that_cannot_be_fitted_fail_before_anything_is_sent(
    shop: Shop, member_id: UUID, messenger: FakeMessenger
) -> None:
    grant(shop, member_id)
    paid = intent("order_paid", "order-1", member_id)
    paid["fields"] = {**paid["fields"], "order_no": "订单一号"}  # type: ignore[dict-item]

    assert send(shop, paid, FOLLOWER) == "failed"

    assert notification(shop, paid).reason.startswith("bad_fields: character_string1")
    assert messenger.sent == []
    assert credits(shop, member_id) == 1
    assert shop.store.find(Inbox, Inbox.create_id(member_id)) is not None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"trigger": "order_refunded"}, "trigger"),
        ({"member_id": None}, "member_id"),
        ({"member_id": "not-a-uuid"}, "payload"),
        ({"expires_at": "2026-11-01T10:00:00"}, "expires_at"),
    ],
)
def test_a_malformed_intent_is_invalid_input_naming_the_field(
    shop: Shop, member_id: UUID, messenger: FakeMessenger, change: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        send(shop, {**intent("order_paid", "order-1", member_id), **change})

    assert refused.value.field == field
    assert messenger.sent == []
