"""The official account's figures, without I/O: when a follow leaves early,
when retention is known, the first payment after following and its
repurchase, and the derived figures of a day, of the totals and of an entry."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from chalicelib.domain import oa_metrics as rules
from chalicelib.domain.behaviour import Rejection, Tracked, check_item

DAY = date(2026, 11, 1)
AT = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def test_an_unfollow_before_day_30_makes_the_follow_not_retained() -> None:
    assert rules.leaves_early(DAY, DAY)
    assert rules.leaves_early(DAY, DAY + timedelta(days=29))
    assert not rules.leaves_early(DAY, DAY + timedelta(days=30))


def test_retention_is_known_once_day_30_has_arrived() -> None:
    assert not rules.retention_known(DAY, DAY + timedelta(days=29))
    assert rules.retention_known(DAY, DAY + timedelta(days=30))


def test_the_first_payment_after_following_and_its_repurchase() -> None:
    payments = [AT - timedelta(hours=1), AT + timedelta(days=2), AT + timedelta(days=40)]
    first = rules.first_payment_after(AT, payments)
    assert first == AT + timedelta(days=2)
    assert rules.first_payment_after(AT, payments[:1]) is None
    assert rules.first_payment_after(AT, [AT]) == AT  # paying as they follow counts
    assert not rules.repurchased(first, payments)  # 38 days later: past the window
    assert rules.repurchased(first, [first + timedelta(hours=720)])
    assert not rules.repurchased(first, [first, first + timedelta(hours=720, seconds=1)])


def test_a_days_figures_say_null_where_nothing_is_known() -> None:
    counts = {"gained": 4, "lost": 1, "linked": 2, "linked_payers": 1, "left_early": 1}
    early = rules.follower_day(DAY, counts, DAY + timedelta(days=3))
    assert early == {
        "day": "2026-11-01",
        "gained": 4,
        "lost": 1,
        "linked": 2,
        "linked_payers": 1,
        "repurchasers": 0,
        "net": 3,
        "paid_rate": 0.5,
        "repurchase": 0.0,
        "retained_30d": None,
        "retention_30d": None,
    }
    late = rules.follower_day(DAY, counts, DAY + timedelta(days=30))
    assert (late["retained_30d"], late["retention_30d"]) == (3, 0.75)
    empty = rules.follower_day(DAY, {}, DAY + timedelta(days=31))
    assert (empty["paid_rate"], empty["repurchase"], empty["retention_30d"]) == (None, None, None)
    assert empty["retained_30d"] == 0


def test_totals_count_retention_over_the_days_it_is_known() -> None:
    today = DAY + timedelta(days=30)
    known = rules.follower_day(DAY, {"gained": 4, "left_early": 1}, today)
    unknown = rules.follower_day(DAY + timedelta(days=1), {"gained": 6}, today)
    totals = rules.follower_totals([known, unknown])
    assert (totals["gained"], totals["retained_30d"], totals["retention_30d"]) == (10, 3, 0.75)
    assert rules.follower_totals([unknown])["retained_30d"] is None


def test_an_entrys_money_and_rates() -> None:
    counts = {"visits": 4, "new_members": 2, "payers": 1, "converted": 1}
    counts |= {"paid_fen": 5000, "late_paid_fen": 100, "refunded_fen": 1000}
    figures = rules.entry_figures(counts)
    assert (figures["gmv_fen"], figures["conversion"], figures["payer_rate"]) == (4100, 0.5, 0.25)
    assert "paid_fen" not in figures and rules.entry_figures({})["conversion"] is None


def test_a_follow_counts_within_24_hours_after_one_of_the_days_prompts() -> None:
    first, last = AT, AT + timedelta(hours=5)
    assert rules.follows_after_prompt(first, last, first)
    assert rules.follows_after_prompt(first, last, last + timedelta(hours=24))
    assert not rules.follows_after_prompt(first, last, first - timedelta(seconds=1))
    assert not rules.follows_after_prompt(first, last, last + timedelta(hours=24, seconds=1))
    assert rules.prompt_day("2026-11-01", {"prompted": 3, "followed": 1})["follow_conversion"] == (
        0.3333
    )
    assert rules.prompt_day("2026-11-01", {})["follow_conversion"] is None


def test_the_follow_prompt_is_a_tracked_kind_with_a_path() -> None:
    now = AT + timedelta(minutes=1)
    item = {"id": "p1", "kind": "follow_prompt", "at": AT.isoformat(), "path": "pages/me/me"}
    tracked = check_item(0, item, now)
    assert isinstance(tracked, Tracked) and tracked.fields == {"path": "pages/me/me"}
    refused = check_item(0, {**item, "path": ""}, now)
    assert isinstance(refused, Rejection) and refused.field == "path"
    refused = check_item(0, {**item, "channel": "chat"}, now)
    assert isinstance(refused, Rejection) and refused.field == "channel"
