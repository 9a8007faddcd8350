"""The channel rule: manners (opt-outs, caps, quiet hours) before reach."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain.notify_policy import (
    Decision,
    Defer,
    Send,
    Suppress,
    decide,
    end_of_quiet_hours,
)
from chalicelib.domain.notify_triggers import (
    OPTIONAL_CATEGORIES,
    TRIGGERS,
    Category,
    intent_id_for,
    notification_id_for,
)

NOON_BEIJING = datetime(2026, 11, 1, 4, 0, tzinfo=UTC)  # 12:00 in Beijing


def decided(trigger: str, now: datetime = NOON_BEIJING, **given: Any) -> Decision:
    facts: dict[str, Any] = {
        "expires_at": None,
        "opted_out": set(),
        "last_sent": {},
        "has_credit": False,
        "follows": False,
        "has_oa_template": True,
    }
    facts.update(given)
    return decide(TRIGGERS[trigger], now=now, **facts)


def test_an_urgent_message_with_a_credit_goes_as_a_subscribe_message() -> None:
    assert decided("order_paid", has_credit=True, follows=True) == Send("subscribe")


def test_an_urgent_message_without_a_credit_goes_to_a_follower_as_a_template() -> None:
    assert decided("order_shipped", follows=True) == Send("template")


def test_a_long_lived_message_goes_to_the_official_account_even_with_a_credit() -> None:
    assert decided("team_failed", has_credit=True, follows=True) == Send("template")


def test_without_a_credit_nor_following_there_is_no_channel() -> None:
    assert decided("order_paid") == Suppress("no_channel")
    assert decided("team_failed", has_credit=True) == Suppress("no_channel")


def test_a_follower_without_an_oa_template_has_no_channel() -> None:
    assert decided("level_up", follows=True, has_oa_template=False) == Suppress("no_channel")


def test_an_expired_message_is_suppressed_first() -> None:
    expired = decided(
        "coupon_expiring", expires_at=NOON_BEIJING, has_credit=True, opted_out={"reminder"}
    )
    assert expired == Suppress("expired")
    fresh = decided("coupon_expiring", expires_at=NOON_BEIJING + timedelta(seconds=1))
    assert fresh == Suppress("no_channel")


@pytest.mark.parametrize("category", sorted(OPTIONAL_CATEGORIES))
def test_an_opted_out_category_is_suppressed_on_both_channels(category: str) -> None:
    trigger = next(t for t in TRIGGERS.values() if t.category == category)
    decision = decided(trigger.name, opted_out={category}, has_credit=True, follows=True)
    assert decision == Suppress("opted_out")


def test_a_follow_prompt_to_a_follower_is_suppressed() -> None:
    assert decided("follow_prompt", follows=True, has_credit=True) == Suppress("already_follows")
    assert decided("follow_prompt", has_credit=True) == Send("subscribe")


@pytest.mark.parametrize("trigger", ["campaign_starting", "follow_prompt"])
def test_capped_categories_go_at_most_once_per_24_hours(trigger: str) -> None:
    category = TRIGGERS[trigger].category
    recently = {category.value: NOON_BEIJING - timedelta(hours=23, minutes=59)}
    a_day_ago = {category.value: NOON_BEIJING - timedelta(hours=24)}

    assert decided(trigger, last_sent=recently, has_credit=True) == Suppress("frequency_cap")
    assert decided(trigger, last_sent=a_day_ago, has_credit=True) == Send("subscribe")


def test_transactional_messages_are_never_capped() -> None:
    last_sent = {"transactional": NOON_BEIJING - timedelta(minutes=1)}
    assert decided("order_paid", last_sent=last_sent, has_credit=True) == Send("subscribe")


@pytest.mark.parametrize(("beijing_hour", "minute"), [(22, 0), (23, 59), (0, 0), (7, 59)])
def test_marketing_in_quiet_hours_waits_for_8_in_the_morning_beijing_time(
    beijing_hour: int, minute: int
) -> None:
    day = 1 if beijing_hour >= 22 else 2  # the night of 1-2 November, Beijing time
    now = datetime(2026, 11, day, beijing_hour, minute, tzinfo=UTC) - timedelta(hours=8)

    decision = decided("campaign_starting", now=now, has_credit=True)

    assert decision == Defer(datetime(2026, 11, 2, 0, 0, tzinfo=UTC))  # 08:00 Beijing


def test_marketing_outside_quiet_hours_and_other_categories_in_them_go_now() -> None:
    eight_am = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)
    before_ten_pm = datetime(2026, 11, 1, 13, 59, tzinfo=UTC)
    midnight = datetime(2026, 11, 1, 16, 0, tzinfo=UTC)

    assert decided("campaign_starting", now=eight_am, has_credit=True) == Send("subscribe")
    assert decided("campaign_starting", now=before_ten_pm, has_credit=True) == Send("subscribe")
    assert decided("order_paid", now=midnight, has_credit=True) == Send("subscribe")
    assert end_of_quiet_hours(eight_am) is None


def test_every_trigger_has_a_category_and_a_page() -> None:
    assert {t.category for t in TRIGGERS.values()} == set(Category)
    assert all(t.page.startswith("pages/") for t in TRIGGERS.values())


def test_intent_ids_are_deterministic_and_name_the_notification() -> None:
    intent = intent_id_for("team_one_seat_left", "team-1", "member-1")

    assert intent == "notify:team_one_seat_left:team-1:member-1"
    assert notification_id_for(intent) == notification_id_for(intent)
    assert notification_id_for(intent) != notification_id_for(intent_id_for("order_paid", "x"))
