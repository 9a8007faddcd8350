"""A send whose answer was lost (a timeout after the request went out): WeChat may
have sent the message, so it is never sent blindly again. A subscribe message is
recorded failed as unconfirmed with its credit spent; a template message is
resent only with its client_msg_id inside WeChat's 10-minute dedupe window."""

from __future__ import annotations

from uuid import UUID

import pytest

from chalicelib.application import Shop
from chalicelib.application.notify_dispatch import LOST_ANSWER
from chalicelib.application.ports import MessageOutcomeUnknown
from chalicelib.clock import FixedClock

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


def test_a_subscribe_message_whose_answer_was_lost_is_never_resent(
    shop: Shop, member_id: UUID, messenger: FakeMessenger
) -> None:
    grant(shop, member_id)
    paid = intent("order_paid", "order-1", member_id)
    messenger.lose_answer = True

    assert send(shop, paid, FOLLOWER) == "failed"
    messenger.lose_answer = False
    assert send(shop, paid, FOLLOWER) == "failed"  # the outbox delivered the intent again

    assert messenger.channels() == ["subscribe"]
    assert notification(shop, paid).reason == LOST_ANSWER
    assert credits(shop, member_id) == 0  # WeChat may have spent it


def test_a_template_message_whose_answer_was_lost_is_resent_with_its_client_msg_id(
    shop: Shop, member_id: UUID, clock: FixedClock, messenger: FakeMessenger
) -> None:
    shipped = intent("order_shipped", "order-1", member_id)
    messenger.lose_answer = True
    with pytest.raises(MessageOutcomeUnknown):
        send(shop, shipped, FOLLOWER)
    assert notification(shop, shipped).outcome is None
    messenger.lose_answer = False
    clock.advance(minutes=5)

    assert send(shop, shipped, FOLLOWER) == "sent"

    assert len(messenger.sent) == 1  # WeChat dropped the copy
    assert messenger.sent[0]["client_msg_id"] == notification(shop, shipped).client_msg_id


def test_a_template_message_lost_for_10_minutes_is_not_resent(
    shop: Shop, member_id: UUID, clock: FixedClock, messenger: FakeMessenger
) -> None:
    shipped = intent("order_shipped", "order-1", member_id)
    messenger.lose_answer = True
    with pytest.raises(MessageOutcomeUnknown):
        send(shop, shipped, FOLLOWER)
    messenger.lose_answer = False
    clock.advance(minutes=10)

    assert send(shop, shipped, FOLLOWER) == "failed"

    assert len(messenger.sent) == 1
    assert notification(shop, shipped).reason.startswith("unconfirmed")
