"""Subscribe-message credits from one source only, and the member's opt-outs."""

from __future__ import annotations

from uuid import UUID

import pytest

from chalicelib.application import Shop
from chalicelib.application.errors import InvalidInput
from chalicelib.domain.inbox import CannotOptOut, Inbox

from .support import rewired, stored_events

PAID, SHIPPED = "sandbox-order_paid-sub", "sandbox-order_shipped-sub"


def test_accepted_templates_of_the_book_become_credits(shop: Shop, member_id: UUID) -> None:
    outcome = shop.subscriptions.grant_subscriptions(
        member_id,
        {PAID: "accept", SHIPPED: "reject", "someone-elses": "accept", "errMsg": "ok"},
    )

    assert outcome == {
        "granted": [PAID],
        "unknown": ["someone-elses"],
        "counted_by": "client",
        "credits": {PAID: 1},
    }
    shop.subscriptions.grant_subscriptions(member_id, {PAID: "accept", SHIPPED: "accept"})
    assert shop.subscriptions.notification_preferences(member_id)["credits"] == {
        PAID: 2,
        SHIPPED: 1,
    }


def test_when_the_push_counts_the_clients_report_grants_nothing(
    shop: Shop, member_id: UUID
) -> None:
    shop = rewired(shop, credits_from="push")

    outcome = shop.subscriptions.grant_subscriptions(member_id, {PAID: "accept"})

    assert (outcome["granted"], outcome["credits"]) == ([], {})


def test_the_push_grants_once_however_often_wechat_delivers_it(shop: Shop, member_id: UUID) -> None:
    shop = rewired(shop, credits_from="push")
    events = [
        {"TemplateId": PAID, "SubscribeStatusString": "accept"},
        {"TemplateId": SHIPPED, "SubscribeStatusString": "reject"},
    ]

    first = shop.subscriptions.subscribe_events(member_id, events, dedupe_key="o-alice:1700000000")
    again = shop.subscriptions.subscribe_events(member_id, events, dedupe_key="o-alice:1700000000")

    assert (first["granted"], first["credits"]) == ([PAID], {PAID: 1})
    assert (again["granted"], again["credits"]) == ([], {PAID: 1})
    assert stored_events(shop, Inbox.create_id(member_id)) == [
        Inbox.Opened,
        Inbox.CreditsGranted,
    ]


def test_when_the_client_counts_the_push_grants_nothing(shop: Shop, member_id: UUID) -> None:
    events = [{"TemplateId": PAID, "SubscribeStatusString": "accept"}]

    outcome = shop.subscriptions.subscribe_events(
        member_id, events, dedupe_key="o-alice:1700000001"
    )

    assert (outcome["granted"], outcome["credits"], outcome["counted_by"]) == ([], {}, "client")


def test_preferences_list_every_category_and_what_can_be_silenced(
    shop: Shop, member_id: UUID
) -> None:
    preferences = shop.subscriptions.notification_preferences(member_id)

    assert preferences["opted_out"] == []
    assert preferences["categories"] == [
        {"category": "transactional", "optional": False, "opted_out": False},
        {"category": "reminder", "optional": True, "opted_out": False},
        {"category": "marketing", "optional": True, "opted_out": False},
        {"category": "follow_prompt", "optional": True, "opted_out": False},
    ]


def test_setting_preferences_silences_exactly_the_categories_given(
    shop: Shop, member_id: UUID
) -> None:
    shop.subscriptions.set_notification_preferences(member_id, ["marketing", "reminder"])
    assert shop.subscriptions.notification_preferences(member_id)["opted_out"] == [
        "marketing",
        "reminder",
    ]

    shop.subscriptions.set_notification_preferences(member_id, ["reminder"])

    assert shop.subscriptions.notification_preferences(member_id)["opted_out"] == ["reminder"]


def test_transactional_messages_cannot_be_silenced(shop: Shop, member_id: UUID) -> None:
    with pytest.raises(CannotOptOut) as refused:
        shop.subscriptions.set_notification_preferences(member_id, ["marketing", "transactional"])

    assert (refused.value.field, refused.value.details) == (
        "category",
        {"category": "transactional"},
    )
    assert shop.subscriptions.notification_preferences(member_id)["opted_out"] == []


def test_an_unknown_category_is_invalid_input(shop: Shop, member_id: UUID) -> None:
    with pytest.raises(InvalidInput) as refused:
        shop.subscriptions.set_notification_preferences(member_id, ["spam"])

    assert refused.value.field == "opted_out"
