from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import Snapshot
from eventsourcing.utils import get_topic

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
    member.update_profile("pii1:nick", "pii1:avatar", NOW)
    member.set_birthday("1990-05-04", "pii1:day", NOW)
    member.bind_phone("sealed:phone", NOW)
    member.close(NOW)
    member.collect_events()
    return member


# -- profile, birthday, phone -----------------------------------------------------
SEALED_NICK, SEALED_AVATAR, SEALED_DAY = "pii1:nick", "pii1:avatar", "pii1:day"


def test_updating_the_profile_records_nickname_and_avatar_sealed() -> None:
    member = registered()

    member.update_profile(SEALED_NICK, SEALED_AVATAR, LATER)

    events = then(member)
    assert types(events) == [Member.ProfileSealed]
    assert (events[0].sealed_nickname, events[0].sealed_avatar_url, events[0].at) == (
        SEALED_NICK,
        SEALED_AVATAR,
        LATER,
    )
    assert (member.sealed_nickname, member.sealed_avatar_url) == (SEALED_NICK, SEALED_AVATAR)
    assert (member.nickname, member.avatar_url) == ("", "")


def test_setting_the_birthday_records_it_sealed_with_its_month_day() -> None:
    member = registered()

    member.set_birthday("1990-05-04", SEALED_DAY, LATER)

    events = then(member)
    assert types(events) == [Member.BirthdaySealed]
    assert (events[0].sealed_birthday, events[0].month_day, events[0].at) == (
        SEALED_DAY,
        "05-04",
        LATER,
    )
    assert "1990" not in repr(vars(events[0]))
    assert (member.birthday, member.sealed_birthday) == (None, SEALED_DAY)
    assert (member.has_birthday, member.birthday_month_day) == (True, "05-04")


def test_the_birthday_is_set_once() -> None:
    member = registered()
    member.set_birthday("1990-05-04", SEALED_DAY, NOW)
    member.collect_events()

    member.set_birthday("1990-05-04", "pii1:again", LATER, recorded="1990-05-04")
    assert then(member) == []

    with pytest.raises(BirthdayAlreadySet) as refused:
        member.set_birthday("1990-05-05", "pii1:other", LATER, recorded="1990-05-04")
    assert refused.value.details == {"birthday": "1990-05-04"}
    assert member.sealed_birthday == SEALED_DAY


def test_a_birthday_today_in_beijing_is_accepted() -> None:
    member = registered()
    midnight_in_beijing = datetime(2026, 11, 1, 16, 0, tzinfo=UTC)  # 2026-11-02 00:00 +08:00

    member.set_birthday("2026-11-02", SEALED_DAY, midnight_in_beijing)

    assert types(then(member)) == [Member.BirthdaySealed]


@pytest.mark.parametrize(
    ("birthday", "sealed", "message"),
    [
        ("2026-11-03", SEALED_DAY, "future"),
        ("1990-02-30", SEALED_DAY, "no such day"),
        ("19900504", SEALED_DAY, "YYYY-MM-DD"),
        ("1990-5-4", SEALED_DAY, "YYYY-MM-DD"),
        ("", SEALED_DAY, "YYYY-MM-DD"),
        ("1990-05-04", "", "no sealed birthday"),
    ],
)
def test_an_invalid_birthday_is_refused(birthday: str, sealed: str, message: str) -> None:
    member = registered()
    just_before_midnight = datetime(2026, 11, 2, 15, 59, 59, tzinfo=UTC)  # 2026-11-02 23:59:59

    with pytest.raises(DomainError, match=message):
        member.set_birthday(birthday, sealed, just_before_midnight)
    assert not member.has_birthday and then(member) == []


# -- events of earlier versions: the profile and the birthday in clear -------------
def replayed(member: Member) -> Any:
    state: Any = None
    for recorded in member.collect_events():
        state = recorded.mutate(state)
    return state


def test_an_earlier_clear_profile_and_birthday_replay_as_before() -> None:
    member = Member(openid="o-1", unionid=None, registered_at=NOW)
    member._profile_updated(nickname="Li Lei", avatar_url="https://img/a.png", at=NOW)
    member._birthday_set(birthday="1990-05-04", at=NOW)

    assert [get_topic(type(e)) for e in member.pending_events[1:]] == [
        "chalicelib.domain.member:Member.ProfileUpdated",
        "chalicelib.domain.member:Member.BirthdaySet",
    ]
    old = replayed(member)

    assert (old.nickname, old.avatar_url, old.birthday) == (
        "Li Lei",
        "https://img/a.png",
        "1990-05-04",
    )
    assert (old.sealed_nickname, old.sealed_birthday) == ("", None)
    assert (old.has_birthday, old.birthday_month_day) == (True, "05-04")


def test_a_clear_birthday_of_an_earlier_version_is_still_set_once() -> None:
    member = registered()
    member._birthday_set(birthday="1990-05-04", at=NOW)
    member.collect_events()

    member.set_birthday("1990-05-04", SEALED_DAY, LATER)
    assert then(member) == []
    with pytest.raises(BirthdayAlreadySet):
        member.set_birthday("1990-05-05", SEALED_DAY, LATER)


def test_a_sealed_profile_replaces_a_clear_one_of_an_earlier_version() -> None:
    member = Member(openid="o-1", unionid=None, registered_at=NOW)
    member._profile_updated(nickname="Li Lei", avatar_url="https://img/a.png", at=NOW)
    member.update_profile(SEALED_NICK, SEALED_AVATAR, LATER)

    state = replayed(member)

    assert (state.nickname, state.avatar_url) == ("", "")
    assert (state.sealed_nickname, state.sealed_avatar_url) == (SEALED_NICK, SEALED_AVATAR)


def test_a_snapshot_taken_before_sealing_restores_with_no_sealed_profile() -> None:
    member = Member(openid="o-1", unionid=None, registered_at=NOW)
    member._birthday_set(birthday="1990-05-04", at=NOW)
    member.collect_events()
    snapshot = Snapshot.take(member)
    for name in ("sealed_nickname", "sealed_avatar_url", "sealed_birthday"):
        snapshot.state.pop(name)
    snapshot.state.pop("sealed_birthday_month_day")

    restored: Any = snapshot.mutate(None)

    assert (restored.sealed_nickname, restored.sealed_birthday) == ("", None)
    assert (restored.birthday_month_day, restored.has_birthday) == ("05-04", True)


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
    member.set_birthday("1990-05-04", SEALED_DAY, NOW)
    member.update_profile(SEALED_NICK, SEALED_AVATAR, NOW)
    member.collect_events()

    member.close(LATER)

    events = then(member)
    assert types(events) == [Member.Closed]
    assert events[0].at == LATER
    assert member.closed is True
    assert (member.level, member.has_birthday, member.spend) == ("regular", False, {})
    assert (member.sealed_nickname, member.sealed_avatar_url) == ("", "")


COMMANDS: dict[str, Callable[[Member], object]] = {
    "log_in": lambda m: m.log_in(scene=None, query={}, at=LATER),
    "link_unionid": lambda m: m.link_unionid("u-1"),
    "update_profile": lambda m: m.update_profile("pii1:han", "", LATER),
    "set_birthday": lambda m: m.set_birthday("1991-01-01", "pii1:day", LATER),
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
    assert (member.sealed_nickname, member.has_birthday, member.sealed_phone) == ("", False, None)
    assert (member.level, member.spend_within_year(LATER)) == ("regular", 0)


def test_a_rejoined_member_logs_in_and_may_set_another_birthday() -> None:
    member = closed_member()
    member.rejoin(LATER)
    member.collect_events()

    member.log_in(scene=None, query={}, at=LATER)
    member.set_birthday("1991-01-01", "pii1:day", LATER)
    member.record_spend(ORDER_2, 100_000, LATER, LEVELS)

    assert types(then(member)) == [
        Member.LoggedIn,
        Member.BirthdaySealed,
        Member.SpendRecorded,
        Member.LevelChanged,
    ]


def test_only_a_closed_member_rejoins() -> None:
    member = registered()

    with pytest.raises(InvalidTransition, match="only a closed account"):
        member.rejoin(LATER)
    assert then(member) == []
