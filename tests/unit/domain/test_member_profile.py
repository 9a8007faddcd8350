from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from chalicelib.domain.errors import (
    AccountClosed,
    BirthdayAlreadySet,
    DomainError,
    InvalidTransition,
)
from chalicelib.domain.levels import DEFAULT_LEVELS
from chalicelib.domain.member import Member

from .given import NOW, given, then, types

LEVELS = DEFAULT_LEVELS
REGULAR, VIP, SUPREME = DEFAULT_LEVELS
ORDER_1 = UUID("00000000-0000-4000-8000-0000000000a1")
ORDER_2 = UUID("00000000-0000-4000-8000-0000000000a2")
LATER = NOW + timedelta(hours=1)
YEAR = timedelta(days=365)


def registered() -> Member:
    member = Member(openid="o-1", unionid=None, registered_at=NOW)
    given(member)
    return member


def member_with_spend(*spends: tuple[UUID, int]) -> Member:
    member = registered()
    for order_id, amount_fen in spends:
        member.record_spend(order_id, amount_fen, NOW, LEVELS)
    member.collect_events()
    return member


def closed_member() -> Member:
    member = member_with_spend((ORDER_1, 100_000))
    member.update_profile("Li Lei", "https://img/a.png", NOW)
    member.set_birthday("1990-05-04", NOW)
    member.bind_phone("sealed:phone", NOW)
    member.close(NOW)
    member.collect_events()
    return member


# -- profile, birthday, phone -----------------------------------------------------
def test_updating_the_profile_records_nickname_and_avatar() -> None:
    member = registered()

    member.update_profile("Li Lei", "https://img/a.png", LATER)

    events = then(member)
    assert types(events) == [Member.ProfileUpdated]
    assert (events[0].nickname, events[0].avatar_url, events[0].at) == (
        "Li Lei",
        "https://img/a.png",
        LATER,
    )
    assert (member.nickname, member.avatar_url) == ("Li Lei", "https://img/a.png")


def test_an_unchanged_profile_records_nothing() -> None:
    member = registered()
    member.update_profile("Li Lei", "https://img/a.png", NOW)
    member.collect_events()

    member.update_profile("Li Lei", "https://img/a.png", LATER)

    assert then(member) == []


def test_setting_the_birthday_records_the_day() -> None:
    member = registered()

    member.set_birthday("1990-05-04", LATER)

    events = then(member)
    assert types(events) == [Member.BirthdaySet]
    assert (events[0].birthday, events[0].at) == ("1990-05-04", LATER)
    assert member.birthday == "1990-05-04"


def test_the_birthday_is_set_once() -> None:
    member = registered()
    member.set_birthday("1990-05-04", NOW)
    member.collect_events()

    member.set_birthday("1990-05-04", LATER)
    assert then(member) == []

    with pytest.raises(BirthdayAlreadySet):
        member.set_birthday("1990-05-05", LATER)
    assert member.birthday == "1990-05-04"


def test_a_birthday_today_in_beijing_is_accepted() -> None:
    member = registered()
    midnight_in_beijing = datetime(2026, 11, 1, 16, 0, tzinfo=UTC)  # 2026-11-02 00:00 +08:00

    member.set_birthday("2026-11-02", midnight_in_beijing)

    assert types(then(member)) == [Member.BirthdaySet]


@pytest.mark.parametrize(
    ("birthday", "message"),
    [
        ("2026-11-03", "future"),
        ("1990-02-30", "no such day"),
        ("19900504", "YYYY-MM-DD"),
        ("1990-5-4", "YYYY-MM-DD"),
        ("", "YYYY-MM-DD"),
    ],
)
def test_an_invalid_birthday_is_refused(birthday: str, message: str) -> None:
    member = registered()
    just_before_midnight = datetime(2026, 11, 2, 15, 59, 59, tzinfo=UTC)  # 2026-11-02 23:59:59

    with pytest.raises(DomainError, match=message):
        member.set_birthday(birthday, just_before_midnight)
    assert member.birthday is None


def test_binding_a_phone_records_it_sealed() -> None:
    member = registered()

    member.bind_phone("v1.nonce.ciphertext", LATER)

    events = then(member)
    assert types(events) == [Member.PhoneBound]
    assert (events[0].sealed_phone, events[0].at) == ("v1.nonce.ciphertext", LATER)
    assert member.sealed_phone == "v1.nonce.ciphertext"


def test_binding_no_phone_is_refused() -> None:
    with pytest.raises(DomainError, match="no phone"):
        registered().bind_phone("", LATER)


# -- spend and level ----------------------------------------------------------------
def test_a_new_member_is_regular_with_no_spend() -> None:
    member = registered()

    assert (member.level, member.spend_within_year(NOW)) == ("regular", 0)


def test_reaching_the_threshold_exactly_makes_a_vip() -> None:
    member = member_with_spend((ORDER_1, 60_000))

    member.record_spend(ORDER_2, 40_000, LATER, LEVELS)

    events = then(member)
    assert types(events) == [Member.SpendRecorded, Member.LevelChanged]
    assert (events[0].order_id, events[0].amount_fen, events[0].at) == (str(ORDER_2), 40_000, LATER)
    changed = events[1]
    assert (changed.from_level, changed.to_level, changed.spend_fen) == ("regular", "vip", 100_000)
    assert (changed.reason, changed.at) == ("spend recorded", LATER)
    assert member.level == "vip"


def test_one_fen_below_the_threshold_stays_regular() -> None:
    member = member_with_spend((ORDER_1, 60_000))

    member.record_spend(ORDER_2, 39_999, LATER, LEVELS)

    assert types(then(member)) == [Member.SpendRecorded]
    assert member.level == "regular"
    assert member.spend_within_year(LATER) == 99_999


def test_one_big_order_can_skip_a_level() -> None:
    member = registered()

    member.record_spend(ORDER_1, 500_000, LATER, LEVELS)

    events = then(member)
    assert (events[1].from_level, events[1].to_level) == ("regular", "supreme")


def test_the_same_order_is_recorded_once() -> None:
    member = member_with_spend((ORDER_1, 60_000))

    member.record_spend(ORDER_1, 60_000, LATER, LEVELS)

    assert then(member) == []
    assert member.spend_within_year(LATER) == 60_000


def test_negative_spend_is_refused() -> None:
    with pytest.raises(DomainError, match="negative"):
        registered().record_spend(ORDER_1, -1, NOW, LEVELS)


def test_a_refund_drops_the_level() -> None:
    member = member_with_spend((ORDER_1, 60_000), (ORDER_2, 40_000))

    member.reverse_spend(ORDER_2, LATER, LEVELS)

    events = then(member)
    assert types(events) == [Member.SpendReversed, Member.LevelChanged]
    assert (events[0].order_id, events[0].amount_fen, events[0].at) == (str(ORDER_2), 40_000, LATER)
    changed = events[1]
    assert (changed.from_level, changed.to_level, changed.spend_fen) == ("vip", "regular", 60_000)
    assert changed.reason == "spend reversed"
    assert member.level == "regular"


def test_a_refund_that_leaves_enough_spend_keeps_the_level() -> None:
    member = member_with_spend((ORDER_1, 100_000), (ORDER_2, 1))

    member.reverse_spend(ORDER_2, LATER, LEVELS)

    assert types(then(member)) == [Member.SpendReversed]
    assert member.level == "vip"


def test_a_spend_is_reversed_once_and_never_recorded_again() -> None:
    member = member_with_spend((ORDER_1, 100_000))
    member.reverse_spend(ORDER_1, NOW, LEVELS)
    member.collect_events()

    member.reverse_spend(ORDER_1, LATER, LEVELS)
    member.record_spend(ORDER_1, 100_000, LATER, LEVELS)

    assert then(member) == []
    assert member.level == "regular"


def test_reversing_an_unrecorded_order_records_nothing() -> None:
    member = member_with_spend((ORDER_1, 100_000))

    member.reverse_spend(ORDER_2, LATER, LEVELS)

    assert then(member) == []


def test_spend_counts_for_365_days() -> None:
    member = member_with_spend((ORDER_1, 100_000))
    last_moment = NOW + YEAR - timedelta(microseconds=1)

    assert member.spend_within_year(last_moment) == 100_000
    assert member.reevaluate_level(last_moment, LEVELS) is False
    assert then(member) == []


def test_spend_ages_out_after_365_days() -> None:
    member = member_with_spend((ORDER_1, 100_000))

    assert member.reevaluate_level(NOW + YEAR, LEVELS) is True

    events = then(member)
    assert types(events) == [Member.SpendAgedOut, Member.LevelChanged]
    assert events[0].order_ids == [str(ORDER_1)]
    changed = events[1]
    assert (changed.from_level, changed.to_level, changed.spend_fen) == ("vip", "regular", 0)
    assert (changed.reason, changed.at) == ("spend aged out", NOW + YEAR)
    assert member.spend_within_year(NOW + YEAR) == 0


def test_a_new_order_counts_only_the_spend_of_the_last_365_days() -> None:
    member = member_with_spend((ORDER_1, 60_000))

    member.record_spend(ORDER_2, 40_000, NOW + YEAR, LEVELS)

    assert types(then(member)) == [Member.SpendRecorded]
    assert member.level == "regular"


def test_raised_thresholds_lower_the_level() -> None:
    member = member_with_spend((ORDER_1, 100_000))
    dearer = [REGULAR, replace(VIP, threshold_fen=200_000), SUPREME]

    assert member.reevaluate_level(LATER, dearer) is True

    events = then(member)
    assert (events[0].from_level, events[0].to_level) == ("vip", "regular")
    assert (events[0].reason, events[0].spend_fen) == ("levels redefined", 100_000)


def test_lowered_thresholds_raise_the_level() -> None:
    member = member_with_spend((ORDER_1, 50_000))
    cheaper = [REGULAR, replace(VIP, threshold_fen=50_000), SUPREME]

    assert member.reevaluate_level(LATER, cheaper) is True

    events = then(member)
    assert (events[0].from_level, events[0].to_level) == ("regular", "vip")
    assert events[0].reason == "levels redefined"


def test_renamed_levels_move_the_member_to_the_new_codes() -> None:
    member = registered()
    renamed = [replace(REGULAR, code="bronze", name="铜"), replace(VIP, code="gold", name="金")]

    assert member.reevaluate_level(LATER, renamed) is True

    events = then(member)
    assert (events[0].from_level, events[0].to_level) == ("regular", "bronze")
    assert events[0].reason == "levels redefined"


def test_a_level_that_still_matches_records_nothing() -> None:
    member = member_with_spend((ORDER_1, 100_000))

    assert member.reevaluate_level(LATER, LEVELS) is False

    assert then(member) == []


def test_the_level_replays_from_the_events() -> None:
    member = Member(openid="o-1", unionid=None, registered_at=NOW)
    member.record_spend(ORDER_1, 100_000, NOW, LEVELS)
    member.record_spend(ORDER_2, 400_000, LATER, LEVELS)
    member.reverse_spend(ORDER_2, LATER, LEVELS)
    member.reevaluate_level(NOW + YEAR, LEVELS)

    replayed: Any = None
    for recorded in member.collect_events():
        replayed = recorded.mutate(replayed)

    assert (replayed.level, replayed.spend, replayed.reversed_spend) == (
        member.level,
        member.spend,
        member.reversed_spend,
    )
    assert replayed.level == "regular"


# -- closing and rejoining ------------------------------------------------------------
def test_closing_records_it_and_forgets_the_member() -> None:
    member = member_with_spend((ORDER_1, 100_000))
    member.set_birthday("1990-05-04", NOW)
    member.collect_events()

    member.close(LATER)

    events = then(member)
    assert types(events) == [Member.Closed]
    assert events[0].at == LATER
    assert member.closed is True
    assert (member.level, member.birthday, member.spend) == ("regular", None, {})


COMMANDS: dict[str, Callable[[Member], object]] = {
    "log_in": lambda m: m.log_in(scene=None, query={}, at=LATER),
    "link_unionid": lambda m: m.link_unionid("u-1"),
    "update_profile": lambda m: m.update_profile("Han Meimei", "", LATER),
    "set_birthday": lambda m: m.set_birthday("1991-01-01", LATER),
    "bind_phone": lambda m: m.bind_phone("sealed:other", LATER),
    "record_spend": lambda m: m.record_spend(ORDER_2, 1, LATER, LEVELS),
    "reverse_spend": lambda m: m.reverse_spend(ORDER_1, LATER, LEVELS),
    "reevaluate_level": lambda m: m.reevaluate_level(LATER, LEVELS),
    "close": lambda m: m.close(LATER),
}


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_closed_member_refuses_every_command(command: Callable[[Member], object]) -> None:
    member = closed_member()

    with pytest.raises(AccountClosed):
        command(member)

    assert then(member) == []


def test_rejoining_starts_afresh() -> None:
    member = closed_member()

    member.rejoin(LATER)

    events = then(member)
    assert types(events) == [Member.Rejoined]
    assert events[0].at == LATER
    assert member.closed is False
    assert (member.nickname, member.avatar_url, member.birthday, member.sealed_phone) == (
        "",
        "",
        None,
        None,
    )
    assert (member.level, member.spend_within_year(LATER)) == ("regular", 0)


def test_a_rejoined_member_logs_in_and_may_set_another_birthday() -> None:
    member = closed_member()
    member.rejoin(LATER)
    member.collect_events()

    member.log_in(scene=None, query={}, at=LATER)
    member.set_birthday("1991-01-01", LATER)
    member.record_spend(ORDER_2, 100_000, LATER, LEVELS)

    assert types(then(member)) == [
        Member.LoggedIn,
        Member.BirthdaySet,
        Member.SpendRecorded,
        Member.LevelChanged,
    ]


def test_only_a_closed_member_rejoins() -> None:
    member = registered()

    with pytest.raises(InvalidTransition, match="only a closed account"):
        member.rejoin(LATER)
    assert then(member) == []
