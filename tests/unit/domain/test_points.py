from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import DatetimeAsISO, JSONTranscoder, Mapper, UUIDAsHex

from chalicelib.domain.calendar import BEIJING
from chalicelib.domain.errors import (
    AccountClosed,
    AlreadyCheckedIn,
    DomainError,
    InsufficientPoints,
)
from chalicelib.domain.ids import points_account_id_for
from chalicelib.domain.points import PointsAccount
from chalicelib.domain.points_policy import PointsPolicy

from .given import given, then, types

MEMBER_ID = UUID("00000000-0000-4000-8000-000000000001")
ORDER_A = UUID("00000000-0000-4000-8000-0000000000aa")
ORDER_B = UUID("00000000-0000-4000-8000-0000000000bb")
ORDER_C = UUID("00000000-0000-4000-8000-0000000000cc")
ORDER_R = UUID("00000000-0000-4000-8000-0000000000ee")
LOT_A, LOT_B, LOT_C = f"order:{ORDER_A}", f"order:{ORDER_B}", f"order:{ORDER_C}"
POLICY = PointsPolicy()


def bj(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """A moment on the Beijing wall clock."""
    return datetime(year, month, day, hour, minute, second, tzinfo=BEIJING)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


EARNED_AT = bj(2026, 3, 1, 10)
EXPIRES_AT = bj(2027, 3, 2)  # 00:00 Beijing the day after 2027-03-01 = 2027-03-01 16:00 UTC


def given_account(*earnings: tuple[UUID, int, datetime]) -> PointsAccount:
    """An account that earned `points` for each (order id, points, at)."""
    account = PointsAccount(member_id=MEMBER_ID)
    for order_id, points, at in earnings:
        account.earn_for_order(order_id, points, at, POLICY)
    return given(account)  # type: ignore[return-value]


def remaining(account: PointsAccount) -> dict[str, int]:
    return {lot_id: lot.remaining for lot_id, lot in account.lots.items()}


# -- policy ----------------------------------------------------------------------
def test_points_are_earned_per_whole_yuan_of_goods_times_the_level_multiplier() -> None:
    assert POLICY.earned_for(12_345, 100) == 123
    assert POLICY.earned_for(12_345, 150) == 184
    assert POLICY.earned_for(99, 200) == 0
    assert PointsPolicy(points_per_yuan_spent=2).earned_for(1_000, 100) == 20


@pytest.mark.parametrize(("streak", "points"), [(1, 5), (6, 5), (7, 25), (8, 5), (14, 25)])
def test_every_seventh_day_of_a_streak_adds_the_bonus(streak: int, points: int) -> None:
    assert POLICY.checkin_reward(streak) == points


def test_a_policy_without_a_streak_bonus_pays_the_same_every_day() -> None:
    assert PointsPolicy(streak_bonus_every=0).checkin_reward(7) == 5


@pytest.mark.parametrize(
    ("earned_at", "expires_at"),
    [
        (bj(2026, 3, 1, 0, 0, 0), bj(2027, 3, 2)),
        (bj(2026, 3, 1, 23, 59, 59), bj(2027, 3, 2)),
        (utc(2026, 3, 1, 15, 59, 59), bj(2027, 3, 2)),  # 23:59:59 Beijing
        (utc(2026, 3, 1, 16, 0, 0), bj(2027, 3, 3)),  # 00:00 Beijing, the next day
        (bj(2024, 2, 29, 12), bj(2025, 3, 1)),  # no 29th of February: its last day
    ],
)
def test_a_lot_lasts_through_the_same_beijing_day_a_year_later(
    earned_at: datetime, expires_at: datetime
) -> None:
    assert POLICY.expires_at(earned_at) == expires_at


# -- opening and earning ---------------------------------------------------------
def test_opening_an_account_records_the_member_under_an_id_from_the_member() -> None:
    account = PointsAccount(member_id=MEMBER_ID)

    events = then(account)
    assert types(events) == [PointsAccount.Opened]
    assert (events[0].member_id, events[0].balance_after) == (MEMBER_ID, 0)
    assert account.id == points_account_id_for(MEMBER_ID)
    assert account.balance == 0
    assert account.next_expiry() is None


def test_a_paid_order_earns_a_lot_that_lasts_a_year() -> None:
    account = given_account()

    assert account.earn_for_order(ORDER_A, 120, EARNED_AT, POLICY) is True

    events = then(account)
    assert types(events) == [PointsAccount.Earned]
    e = events[0]
    assert (e.lot_id, e.points, e.source, e.at) == (LOT_A, 120, LOT_A, EARNED_AT)
    assert (e.expires_at, e.balance_after) == (EXPIRES_AT, 120)
    assert account.balance == 120


def test_an_order_earns_only_once() -> None:
    account = given_account((ORDER_A, 120, EARNED_AT))

    assert account.earn_for_order(ORDER_A, 120, EARNED_AT, POLICY) is False

    assert then(account) == []
    assert account.balance == 120


@pytest.mark.parametrize("points", [0, -1])
def test_an_order_earning_nothing_records_nothing(points: int) -> None:
    account = given_account()

    assert account.earn_for_order(ORDER_A, points, EARNED_AT, POLICY) is False

    assert then(account) == []


# -- check-in --------------------------------------------------------------------
def test_the_first_check_in_starts_a_streak_and_earns_a_lot() -> None:
    account = given_account((ORDER_A, 100, EARNED_AT))

    assert account.check_in(bj(2026, 3, 1, 9), POLICY) == 5

    events = then(account)
    assert types(events) == [PointsAccount.CheckedIn]
    e = events[0]
    assert (e.day, e.streak, e.points, e.lot_id) == ("2026-03-01", 1, 5, "checkin:2026-03-01")
    assert (e.at, e.expires_at, e.balance_after) == (bj(2026, 3, 1, 9), EXPIRES_AT, 105)
    assert account.lots["checkin:2026-03-01"].source == "checkin:2026-03-01"
    assert account.current_streak(bj(2026, 3, 1, 9)) == 1


def test_checking_in_at_23_59_59_then_at_00_00_beijing_counts_two_days() -> None:
    account = given_account()
    account.check_in(utc(2026, 3, 1, 15, 59, 59), POLICY)  # 23:59:59 Beijing, 1 March
    account.collect_events()

    account.check_in(utc(2026, 3, 1, 16, 0, 0), POLICY)  # 00:00:00 Beijing, 2 March

    events = then(account)
    assert types(events) == [PointsAccount.CheckedIn]
    assert (events[0].day, events[0].streak, events[0].balance_after) == ("2026-03-02", 2, 10)


def test_a_second_check_in_on_the_same_beijing_day_is_refused() -> None:
    account = given_account()
    account.check_in(utc(2026, 3, 1, 16, 0, 0), POLICY)  # 00:00:00 Beijing, 2 March
    account.collect_events()

    with pytest.raises(AlreadyCheckedIn) as raised:
        account.check_in(utc(2026, 3, 2, 15, 59, 59), POLICY)  # 23:59:59 Beijing, 2 March

    assert raised.value.code == "already_checked_in"
    assert raised.value.details == {"day": "2026-03-02"}
    assert then(account) == []
    assert account.balance == 5


def test_the_seventh_consecutive_day_adds_the_streak_bonus() -> None:
    account = given_account()
    for day in range(1, 7):
        account.check_in(bj(2026, 3, day, 8), POLICY)
    account.collect_events()

    assert account.check_in(bj(2026, 3, 7, 8), POLICY) == 25

    events = then(account)
    assert (events[0].streak, events[0].points, events[0].balance_after) == (7, 25, 55)
    assert account.check_in(bj(2026, 3, 8, 8), POLICY) == 5


def test_missing_a_day_breaks_the_streak() -> None:
    account = given_account()
    account.check_in(bj(2026, 3, 1, 8), POLICY)
    account.check_in(bj(2026, 3, 2, 8), POLICY)
    account.collect_events()
    assert account.current_streak(bj(2026, 3, 3, 23, 59, 59)) == 2
    assert account.current_streak(bj(2026, 3, 4)) == 0

    account.check_in(bj(2026, 3, 4, 8), POLICY)

    events = then(account)
    assert (events[0].day, events[0].streak, events[0].points) == ("2026-03-04", 1, 5)


# -- expiry ----------------------------------------------------------------------
def test_a_lot_expiring_today_is_still_spendable_at_23_59_59_beijing() -> None:
    account = given_account((ORDER_A, 100, EARNED_AT))
    last_moment = bj(2027, 3, 1, 23, 59, 59)

    assert account.expire(last_moment) == 0
    account.redeem(ORDER_R, 100, last_moment)

    assert types(then(account)) == [PointsAccount.Redeemed]
    assert account.balance == 0


def test_the_expiry_job_lapses_a_lot_at_00_00_the_next_beijing_day() -> None:
    account = given_account((ORDER_A, 100, EARNED_AT))
    assert account.next_expiry() == utc(2027, 3, 1, 16, 0)

    assert account.expire(utc(2027, 3, 1, 16, 0)) == 100

    events = then(account)
    assert types(events) == [PointsAccount.Expired]
    e = events[0]
    assert (e.lots, e.at, e.balance_after) == ({LOT_A: 100}, utc(2027, 3, 1, 16), 0)
    assert account.balance == 0
    assert account.next_expiry() is None


def test_points_past_their_expiry_cannot_be_spent_before_the_job_runs() -> None:
    account = given_account((ORDER_A, 100, EARNED_AT))

    with pytest.raises(InsufficientPoints):
        account.redeem(ORDER_R, 1, EXPIRES_AT)

    assert then(account) == []
    assert (account.balance, account.available(EXPIRES_AT)) == (100, 0)


def test_expiring_twice_lapses_once() -> None:
    account = given_account((ORDER_A, 100, EARNED_AT), (ORDER_B, 50, bj(2026, 6, 1)))
    account.expire(EXPIRES_AT)
    account.collect_events()

    assert account.expire(EXPIRES_AT + timedelta(days=1)) == 0

    assert then(account) == []
    assert account.balance == 50


def test_expiry_lapses_only_what_is_left_of_a_lot() -> None:
    account = given_account((ORDER_A, 100, EARNED_AT), (ORDER_B, 50, bj(2026, 6, 1)))
    account.redeem(ORDER_R, 60, bj(2026, 7, 1))
    account.collect_events()

    assert account.expire(EXPIRES_AT) == 40

    events = then(account)
    assert (events[0].lots, events[0].balance_after) == ({LOT_A: 40}, 50)


def test_points_expiring_soon_and_the_next_expiry() -> None:
    account = given_account((ORDER_A, 100, EARNED_AT), (ORDER_B, 50, bj(2026, 5, 1)))
    now = bj(2027, 2, 20)

    assert account.expiring_within(now, 10) == 100  # up to and including 2 March 00:00
    assert account.expiring_within(now, 9) == 0
    assert account.expiring_within(now, 90) == 150
    assert account.expiring_within(EXPIRES_AT, 90) == 50  # lapsed already: not "expiring"
    assert account.next_expiry() == EXPIRES_AT

    account.redeem(ORDER_R, 100, now)

    assert account.next_expiry() == bj(2027, 5, 2)


# -- redeeming -------------------------------------------------------------------
def test_redeeming_takes_from_the_lots_that_expire_first() -> None:
    account = given_account((ORDER_A, 100, EARNED_AT))
    account.check_in(bj(2026, 4, 1, 8), POLICY)
    account.earn_for_order(ORDER_B, 100, bj(2026, 5, 1), POLICY)
    account.collect_events()

    account.redeem(ORDER_R, 150, bj(2026, 6, 1))

    events = then(account)
    assert types(events) == [PointsAccount.Redeemed]
    e = events[0]
    assert (e.order_id, e.points, e.at, e.balance_after) == (str(ORDER_R), 150, bj(2026, 6, 1), 55)
    assert e.taken == {LOT_A: 100, "checkin:2026-04-01": 5, LOT_B: 45}
    assert remaining(account) == {LOT_A: 0, "checkin:2026-04-01": 0, LOT_B: 55}


def test_lots_expiring_the_same_day_are_spent_in_the_order_they_were_earned() -> None:
    account = given_account()
    account.check_in(bj(2026, 3, 1, 9), POLICY)
    account.earn_for_order(ORDER_A, 100, bj(2026, 3, 1, 10), POLICY)
    account.collect_events()

    account.redeem(ORDER_R, 7, bj(2026, 3, 1, 11))

    assert then(account)[0].taken == {"checkin:2026-03-01": 5, LOT_A: 2}


def test_redeeming_exactly_the_balance_leaves_zero() -> None:
    account = given_account((ORDER_A, 100, EARNED_AT), (ORDER_B, 50, bj(2026, 5, 1)))

    account.redeem(ORDER_R, 150, bj(2026, 6, 1))

    events = then(account)
    assert (events[0].taken, events[0].balance_after) == ({LOT_A: 100, LOT_B: 50}, 0)
    assert account.balance == 0


def test_redeeming_one_point_more_than_the_balance_is_refused() -> None:
    account = given_account((ORDER_A, 100, EARNED_AT))

    with pytest.raises(InsufficientPoints) as raised:
        account.redeem(ORDER_R, 101, bj(2026, 6, 1))

    assert raised.value.code == "insufficient_points"
    assert raised.value.details == {"requested": 101, "available": 100}
    assert then(account) == []
    assert account.balance == 100


@pytest.mark.parametrize("points", [0, -1])
def test_redeeming_nothing_is_refused(points: int) -> None:
    account = given_account((ORDER_A, 100, EARNED_AT))

    with pytest.raises(DomainError):
        account.redeem(ORDER_R, points, bj(2026, 6, 1))

    assert then(account) == []


def test_an_order_redeems_points_only_once() -> None:
    account = given_account((ORDER_A, 100, EARNED_AT))
    account.redeem(ORDER_R, 10, bj(2026, 6, 1))
    account.collect_events()

    with pytest.raises(DomainError):
        account.redeem(ORDER_R, 10, bj(2026, 6, 1))

    assert then(account) == []
    assert account.balance == 90


# -- restoring a redemption ------------------------------------------------------
def test_restoring_a_redemption_puts_back_exactly_what_was_taken() -> None:
    account = given_account((ORDER_A, 100, EARNED_AT), (ORDER_B, 100, bj(2026, 5, 1)))
    account.redeem(ORDER_R, 150, bj(2026, 6, 1))
    account.collect_events()

    assert account.restore_redemption(ORDER_R, bj(2026, 6, 2)) is True

    events = then(account)
    assert types(events) == [PointsAccount.RedemptionRestored]
    e = events[0]
    assert (e.order_id, e.points, e.taken) == (str(ORDER_R), 150, {LOT_A: 100, LOT_B: 50})
    assert (e.at, e.balance_after) == (bj(2026, 6, 2), 200)
    assert remaining(account) == {LOT_A: 100, LOT_B: 100}


def test_restoring_twice_or_with_nothing_redeemed_records_nothing() -> None:
    account = given_account((ORDER_A, 100, EARNED_AT))
    account.redeem(ORDER_R, 30, bj(2026, 6, 1))
    account.restore_redemption(ORDER_R, bj(2026, 6, 2))
    account.collect_events()

    assert account.restore_redemption(ORDER_R, bj(2026, 6, 3)) is False
    assert account.restore_redemption(ORDER_B, bj(2026, 6, 3)) is False

    assert then(account) == []
    assert account.balance == 100


def test_points_restored_into_an_expired_lot_lapse_at_the_next_expiry_run() -> None:
    account = given_account((ORDER_A, 100, EARNED_AT))
    account.redeem(ORDER_R, 100, bj(2027, 3, 1, 12))
    account.expire(EXPIRES_AT)
    account.collect_events()

    account.restore_redemption(ORDER_R, bj(2027, 3, 2, 9))
    assert (account.balance, account.available(bj(2027, 3, 2, 9))) == (100, 0)
    assert account.expire(bj(2027, 3, 2, 9)) == 100

    events = then(account)
    assert types(events) == [PointsAccount.RedemptionRestored, PointsAccount.Expired]
    assert (events[0].balance_after, events[1].lots, events[1].balance_after) == (
        100,
        {LOT_A: 100},
        0,
    )


# -- clawing back ----------------------------------------------------------------
def test_claw_back_takes_from_the_orders_own_lot_first() -> None:
    account = given_account((ORDER_A, 100, EARNED_AT), (ORDER_B, 80, bj(2026, 5, 1)))

    assert account.claw_back(ORDER_B, bj(2026, 6, 1)) is True

    events = then(account)
    assert types(events) == [PointsAccount.ClawedBack]
    e = events[0]
    assert (e.order_id, e.points, e.taken, e.shortfall) == (str(ORDER_B), 80, {LOT_B: 80}, 0)
    assert (e.at, e.balance_after) == (bj(2026, 6, 1), 100)


def test_claw_back_takes_the_rest_from_the_other_lots_first_to_expire_first() -> None:
    account = given_account(
        (ORDER_B, 100, EARNED_AT), (ORDER_A, 100, bj(2026, 4, 1)), (ORDER_C, 100, bj(2026, 5, 1))
    )
    account.redeem(ORDER_R, 150, bj(2026, 6, 1))  # B 100, A 50
    account.collect_events()

    account.claw_back(ORDER_A, bj(2026, 6, 2))

    e = then(account)[0]
    assert (e.points, e.taken, e.shortfall, e.balance_after) == (
        100,
        {LOT_A: 50, LOT_C: 50},
        0,
        50,
    )


def test_claw_back_with_too_few_points_records_the_shortfall_and_never_goes_negative() -> None:
    account = given_account((ORDER_A, 100, EARNED_AT))
    account.redeem(ORDER_R, 80, bj(2026, 6, 1))
    account.collect_events()

    account.claw_back(ORDER_A, bj(2026, 6, 2))

    e = then(account)[0]
    assert (e.points, e.taken, e.shortfall, e.balance_after) == (100, {LOT_A: 20}, 80, 0)
    assert account.balance == 0


def test_an_order_is_clawed_back_once_and_only_if_it_earned() -> None:
    account = given_account((ORDER_A, 100, EARNED_AT), (ORDER_B, 100, bj(2026, 5, 1)))
    account.claw_back(ORDER_A, bj(2026, 6, 1))
    account.collect_events()

    assert account.claw_back(ORDER_A, bj(2026, 6, 2)) is False
    assert account.claw_back(ORDER_C, bj(2026, 6, 2)) is False

    assert then(account) == []
    assert account.balance == 100


# -- closing ---------------------------------------------------------------------
def test_closing_forfeits_the_balance() -> None:
    account = given_account((ORDER_A, 100, EARNED_AT), (ORDER_B, 20, bj(2026, 5, 1)))

    account.close(bj(2026, 6, 1))

    events = then(account)
    assert types(events) == [PointsAccount.Closed]
    e = events[0]
    assert (e.forfeited, e.at, e.balance_after) == (120, bj(2026, 6, 1), 0)
    assert account.balance == 0
    assert account.next_expiry() is None


COMMANDS: dict[str, Callable[[PointsAccount], Any]] = {
    "earn": lambda a: a.earn_for_order(ORDER_C, 10, bj(2026, 7, 1), POLICY),
    "check in": lambda a: a.check_in(bj(2026, 7, 1), POLICY),
    "redeem": lambda a: a.redeem(ORDER_C, 1, bj(2026, 7, 1)),
    "restore": lambda a: a.restore_redemption(ORDER_R, bj(2026, 7, 1)),
    "claw back": lambda a: a.claw_back(ORDER_A, bj(2026, 7, 1)),
    "close": lambda a: a.close(bj(2026, 7, 1)),
}


@pytest.mark.parametrize("command", COMMANDS)
def test_a_closed_account_refuses_every_command(command: str) -> None:
    account = given_account((ORDER_A, 100, EARNED_AT))
    account.redeem(ORDER_R, 10, bj(2026, 5, 1))
    account.close(bj(2026, 6, 1))
    account.collect_events()

    with pytest.raises(AccountClosed) as raised:
        COMMANDS[command](account)

    assert raised.value.code == "account_closed"
    assert then(account) == []


def test_expiry_finds_nothing_on_a_closed_account() -> None:
    account = given_account((ORDER_A, 100, EARNED_AT))
    account.close(bj(2026, 6, 1))
    account.collect_events()

    assert account.expire(EXPIRES_AT) == 0
    assert then(account) == []


# -- replay ----------------------------------------------------------------------
def test_the_lots_are_rebuilt_from_the_stored_events() -> None:
    account = PointsAccount(member_id=MEMBER_ID)
    account.earn_for_order(ORDER_A, 100, EARNED_AT, POLICY)
    account.check_in(bj(2026, 4, 1, 8), POLICY)
    account.earn_for_order(ORDER_B, 100, bj(2026, 5, 1), POLICY)
    account.redeem(ORDER_R, 150, bj(2026, 6, 1))
    account.claw_back(ORDER_B, bj(2026, 6, 2))
    account.restore_redemption(ORDER_R, bj(2026, 6, 3))
    account.expire(EXPIRES_AT)
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DatetimeAsISO()):
        transcoder.register(transcoding)
    mapper: Mapper[UUID] = Mapper(transcoder=transcoder)

    replayed: Any = None
    for e in account.collect_events():
        stored: Any = mapper.to_domain_event(mapper.to_stored_event(e))
        replayed = stored.mutate(replayed)

    assert isinstance(replayed, PointsAccount)
    assert remaining(replayed) == remaining(account)
    assert replayed.balance == account.balance == 50
    assert replayed.lots[LOT_A].expires_at == EXPIRES_AT
    assert (replayed.last_check_in, replayed.streak) == ("2026-04-01", 1)
