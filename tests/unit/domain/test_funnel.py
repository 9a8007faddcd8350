"""The acquisition funnel's rules and the mirrored facts' messages, without
I/O: the first visit and its source, whole-day delays rounded up, cumulative
steps, merging an install's journey into its member's, exact counts when a
journey changes, and a malformed mirror message named by its field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from chalicelib.domain import funnel
from chalicelib.domain.funnel import Contribution, Journey, contribution, delay_days
from chalicelib.domain.mirrored_facts import MirroredFact
from chalicelib.domain.outbox_messages import MalformedMessage

T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
DAY = timedelta(days=1)


def test_delays_are_whole_days_rounded_up() -> None:
    assert delay_days(T0, T0) == 0
    assert delay_days(T0, T0 - DAY) == 0
    assert delay_days(T0, T0 + timedelta(seconds=1)) == 1
    assert delay_days(T0, T0 + DAY) == 1
    assert delay_days(T0, T0 + timedelta(hours=26)) == 2


def test_the_first_visit_is_the_first_launch_or_an_earlier_registration() -> None:
    launched = Journey().reached("launch", T0 + DAY, "oa_article:123")
    assert launched.first_visit() == funnel.Touch(T0 + DAY, "oa_article:123")
    registered = launched.reached("registered", T0, "scan")
    assert registered.first_visit() == funnel.Touch(T0, "scan")
    assert Journey().reached("product_view", T0).first_visit() is None
    assert contribution(Journey().reached("product_view", T0)) is None


def test_a_later_touch_never_replaces_an_earlier_one() -> None:
    journey = Journey().reached("launch", T0, "scan").reached("launch", T0 + DAY, "search")
    assert journey.launch == funnel.Touch(T0, "scan")
    assert journey.reached("launch", T0 - DAY, "search").launch == funnel.Touch(T0 - DAY, "search")


def test_steps_are_cumulative_and_capped_at_the_longest_window() -> None:
    journey = (
        Journey()
        .reached("launch", T0, "oa_menu:home")
        .reached("registered", T0 + timedelta(hours=30), "oa_menu:home")
        .reached("product_view", T0 + timedelta(hours=1))  # before registering: the later counts
        .reached("order_paid", T0 + 3 * DAY)  # paid without a placed order: stops the funnel
    )
    part = contribution(journey)
    assert part == Contribution("2026-11-01", "oa_menu:home", (2, 2, None, None))
    late = journey.reached("order_placed", T0 + 40 * DAY)
    assert contribution(late) == Contribution("2026-11-01", "oa_menu:home", (2, 2, None, None))


def test_the_beijing_day_of_the_first_visit_names_the_cohort() -> None:
    evening = datetime(2026, 11, 1, 17, 0, tzinfo=UTC)  # 01:00 on 2 November in Beijing
    part = contribution(Journey().reached("launch", evening, "scan"))
    assert part is not None and part.day == "2026-11-02"


def test_merging_takes_the_earliest_of_each_touch() -> None:
    install = Journey().reached("launch", T0, "qr:shop1").reached("product_view", T0 + DAY)
    member = Journey().reached("registered", T0 + DAY, "other").reached("product_view", T0)
    merged = member.merged(install)
    assert merged.launch == funnel.Touch(T0, "qr:shop1")
    assert merged.product_view == funnel.Touch(T0, "")
    assert merged.first_visit() == funnel.Touch(T0, "qr:shop1")
    assert Journey.from_doc(merged.as_doc()) == merged


def test_taking_a_contribution_away_restores_the_counts() -> None:
    counts: dict[str, Any] = {"visitors": 0, "reached": funnel.empty_reached()}
    first = Contribution("2026-11-01", "scan", (0, 1, None, None))
    second = Contribution("2026-11-01", "scan", (3, 3, 5, 9))
    funnel.add(counts, first, 1)
    funnel.add(counts, second, 1)
    assert funnel.within(counts, 0) == {
        "first_visit": 2,
        "registered": 1,
        "product_view": 0,
        "order_placed": 0,
        "order_paid": 0,
    }
    assert funnel.within(counts, 7)["order_placed"] == 1
    assert funnel.within(counts, 7)["order_paid"] == 0
    assert funnel.within(counts, 30)["order_paid"] == 1
    funnel.add(counts, second, -1)
    assert funnel.within(counts, 30) == {**funnel.within(counts, 0), "product_view": 1}


def test_step_conversions() -> None:
    rows = funnel.steps(
        {"first_visit": 10, "registered": 5, "product_view": 4, "order_placed": 2, "order_paid": 1}
    )
    assert [r["count"] for r in rows] == [10, 5, 4, 2, 1]
    assert [r["conversion"] for r in rows] == [None, 0.5, 0.8, 0.5, 0.5]
    assert rows[-1]["overall_conversion"] == 0.1
    assert funnel.steps({})[1]["conversion"] == 0.0


def test_a_mirrored_fact_round_trips_and_names_what_is_wrong() -> None:
    fact = MirroredFact(UUID(int=7), "order_paid", "o-1", T0, {"amount_fen": 6800})
    assert MirroredFact.from_payload(fact.to_payload()) == fact
    assert fact.client_id == "server/order_paid/o-1"
    assert fact.message_id == f"mirror_behaviour:order_paid:{UUID(int=7)}:o-1"
    bad = [
        ({**fact.to_payload(), "kind": "launch"}, "kind"),
        ({**fact.to_payload(), "member_id": "nobody"}, "member_id"),
        ({**fact.to_payload(), "at": "2026-11-01T10:00:00"}, "at"),
        ({**fact.to_payload(), "at": "yesterday"}, "at"),
        ({**fact.to_payload(), "fields": []}, "fields"),
        ({k: v for k, v in fact.to_payload().items() if k != "key"}, "key"),
    ]
    for payload, field in bad:
        with pytest.raises(MalformedMessage) as error:
            MirroredFact.from_payload(payload)
        assert error.value.field == field
