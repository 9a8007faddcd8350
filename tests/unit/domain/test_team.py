"""The group-buy Team: seats held and paid, leaving, filling and expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from eventsourcing.domain import Snapshot

from chalicelib.application import EventStore
from chalicelib.domain.errors import DomainError
from chalicelib.domain.team import (
    AlreadyInTeam,
    Team,
    TeamClosed,
    TeamFull,
    mask_nickname,
)

from .given import given, then, types

OPENED_AT = datetime(2026, 11, 11, 2, 0, tzinfo=UTC)
DEADLINE = OPENED_AT + timedelta(hours=24)
HOLD = timedelta(minutes=5)
LEADER = "order-leader"


def open_team(size: int = 3, percent: int = 0, **kw: Any) -> Team:
    return Team(
        campaign_id="c-1",
        product_id="p-1",
        sku_id="sku-1",
        size=size,
        virtual_success_percent=percent,
        leader_order_id=LEADER,
        leader_member_id="m-leader",
        opened_at=kw.get("opened_at", OPENED_AT),
        deadline=kw.get("deadline", DEADLINE),
    )


def given_team(size: int = 3, percent: int = 0, paid: int = 0, held: int = 0) -> Team:
    """A forming team with the leader, `paid` more paid members and `held` unpaid seats."""
    team = open_team(size, percent)
    at = OPENED_AT + timedelta(minutes=1)
    for n in range(paid + held):
        team.hold_seat(f"order-{n}", f"m-{n}", until=at + HOLD, now=at)
        if n < paid:
            assert team.admit(f"order-{n}", at)
        at += timedelta(minutes=1)
    return given(team)  # type: ignore[return-value]


# -- opening ---------------------------------------------------------------------------
def test_a_team_opens_with_its_leaders_paid_seat_under_an_id_from_the_leader_order() -> None:
    team = open_team()

    events = then(team)
    assert types(events) == [Team.Opened]
    assert events[0].leader_member_id == "m-leader"
    assert team.id == Team.create_id(LEADER)
    assert (team.leader_order_id, team.paid_order_ids, team.seats_left(OPENED_AT)) == (
        LEADER,
        [LEADER],
        2,
    )


@pytest.mark.parametrize("size", [2, 10])
def test_a_team_has_two_to_ten_members(size: int) -> None:
    assert open_team(size).size == size


@pytest.mark.parametrize("size", [0, 1, 11])
def test_a_team_size_outside_two_to_ten_is_refused(size: int) -> None:
    with pytest.raises(DomainError):
        open_team(size)


@pytest.mark.parametrize("percent", [-1, 101])
def test_virtual_success_is_a_percent(percent: int) -> None:
    with pytest.raises(DomainError):
        open_team(percent=percent)


def test_a_deadline_not_after_the_opening_is_refused() -> None:
    with pytest.raises(DomainError):
        open_team(deadline=OPENED_AT)


@pytest.mark.parametrize(
    ("nickname", "masked"),
    [("张三丰", "张**"), ("Li", "L**"), ("王", "王**"), ("", "微信用户"), ("  ", "微信用户")],
)
def test_nicknames_are_masked_to_their_first_character(nickname: str, masked: str) -> None:
    assert mask_nickname(nickname) == masked


# -- holding seats ---------------------------------------------------------------------
def test_a_joiner_holds_a_seat_until_the_payment_deadline() -> None:
    team = given_team(size=3)
    now = OPENED_AT + timedelta(hours=1)

    team.hold_seat("order-x", "m-x", until=now + HOLD, now=now)

    assert types(then(team)) == [Team.SeatHeld]
    assert team.seats_left(now) == 1
    assert team.seats_left(now + HOLD) == 2  # the hold lapses at its deadline


def test_the_last_seat_taken_by_two_members_at_once_goes_to_the_first() -> None:
    team = given_team(size=3, paid=1)
    now = OPENED_AT + timedelta(hours=1)
    team.hold_seat("order-a", "m-a", until=now + HOLD, now=now)

    with pytest.raises(TeamFull):
        team.hold_seat("order-b", "m-b", until=now + HOLD, now=now)
    assert types(then(team)) == [Team.SeatHeld]


def test_a_lapsed_hold_frees_its_seat() -> None:
    team = given_team(size=3, paid=1, held=1)  # the hold lapses at OPENED_AT + 7 min
    now = OPENED_AT + timedelta(minutes=7)

    team.hold_seat("order-b", "m-b", until=now + HOLD, now=now)

    assert team.seats_left(now) == 0
    assert not team.admit("order-1", now)  # its seat is gone


def test_a_lapsed_hold_still_takes_a_free_seat_when_paid() -> None:
    team = given_team(size=3, held=1)
    late = OPENED_AT + timedelta(hours=1)

    assert team.admit("order-0", late)
    assert team.paid_order_ids == [LEADER, "order-0"]


def test_a_member_already_in_the_team_cannot_hold_another_seat() -> None:
    team = given_team(size=4, paid=1, held=1)
    now = OPENED_AT + timedelta(minutes=3)

    for member in ("m-leader", "m-0", "m-1"):
        with pytest.raises(AlreadyInTeam):
            team.hold_seat("order-again", member, until=now + HOLD, now=now)


def test_a_member_whose_hold_lapsed_may_hold_again_but_is_admitted_once() -> None:
    team = given_team(size=4, held=1)
    now = OPENED_AT + timedelta(hours=1)
    team.hold_seat("order-again", "m-0", until=now + HOLD, now=now)

    assert team.admit("order-again", now)
    assert not team.admit("order-0", now)  # the same member's older order


@pytest.mark.parametrize("now", [DEADLINE, DEADLINE + timedelta(seconds=1)])
def test_no_seat_is_held_from_the_deadline_on(now: datetime) -> None:
    team = given_team()

    with pytest.raises(TeamClosed):
        team.hold_seat("order-x", "m-x", until=now + HOLD, now=now)


def test_an_unpaid_cancelled_order_releases_its_seat() -> None:
    team = given_team(size=3, paid=1, held=1)
    now = OPENED_AT + timedelta(minutes=3)

    assert team.release_seat("order-1", now)

    assert types(then(team)) == [Team.SeatReleased]
    assert team.seats_left(now) == 1
    assert not team.release_seat("order-1", now)
    assert not team.release_seat("order-0", now)  # a paid seat is left by refund only
    assert not team.admit("order-1", now)


# -- paying ----------------------------------------------------------------------------
def test_a_paid_seat_is_admitted_under_its_member_id_alone() -> None:
    team = given_team(size=3, held=1)
    now = OPENED_AT + timedelta(minutes=2)

    assert team.admit("order-0", now)

    events = then(team)
    assert types(events) == [Team.SeatPaid]
    assert (events[0].order_id, events[0].member_id) == ("order-0", "m-0")
    assert not {"nickname", "avatar_url"} & set(vars(events[0]))
    assert team.admit("order-0", now)  # a redelivery changes nothing
    assert then(team) == []


def test_payment_one_second_after_the_deadline_is_refused() -> None:
    team = given_team(size=3, held=1)

    assert not team.admit("order-0", DEADLINE + timedelta(seconds=1))
    assert not team.admit("order-0", DEADLINE)
    assert then(team) == []


def test_payment_one_second_before_the_deadline_is_admitted() -> None:
    team = given_team(size=3, held=1)

    assert team.admit("order-0", DEADLINE - timedelta(seconds=1))


def test_a_payment_for_an_order_without_a_seat_is_refused() -> None:
    assert not given_team().admit("order-unknown", OPENED_AT)


def test_filling_the_team_succeeds_it_once() -> None:
    team = given_team(size=3, paid=1, held=1)
    now = OPENED_AT + timedelta(minutes=3)

    assert team.admit("order-1", now)

    assert types(then(team)) == [Team.SeatPaid, Team.Succeeded]
    assert (team.status, team.virtual, team.seats_left(now)) == ("succeeded", False, 0)
    assert not team.expire(DEADLINE)
    with pytest.raises(TeamClosed):
        team.hold_seat("order-x", "m-x", until=now + HOLD, now=now)
    assert then(team) == []


def test_a_payment_for_a_closed_team_is_refused() -> None:
    team = given_team(size=3, held=2)
    team.expire(DEADLINE)

    assert not team.admit("order-0", DEADLINE - timedelta(seconds=1))


# -- leaving ---------------------------------------------------------------------------
def test_a_refunded_member_leaves_and_frees_the_seat() -> None:
    team = given_team(size=4, paid=2)
    now = OPENED_AT + timedelta(hours=1)

    assert team.leave("order-0", now)

    events = then(team)
    assert types(events) == [Team.MemberLeft]
    assert (events[0].order_id, events[0].new_leader_order_id) == ("order-0", LEADER)
    assert (team.paid_order_ids, team.seats_left(now)) == ([LEADER, "order-1"], 2)
    assert not team.leave("order-0", now)
    team.hold_seat("order-x", "m-0", until=now + HOLD, now=now)  # may come back


def test_when_the_leader_leaves_the_earliest_remaining_paid_member_leads() -> None:
    team = given_team(size=5, paid=3)
    now = OPENED_AT + timedelta(hours=1)

    assert team.leave(LEADER, now)

    assert then(team)[0].new_leader_order_id == "order-0"
    assert team.leader_order_id == "order-0"
    assert team.leave("order-0", now)
    assert team.leader_order_id == "order-1"


def test_a_team_left_by_every_paid_member_fails_with_nothing_to_refund() -> None:
    team = given_team(size=3, held=1)
    now = OPENED_AT + timedelta(hours=1)

    assert team.leave(LEADER, now)

    events = then(team)
    assert types(events) == [Team.MemberLeft, Team.Failed]
    assert (events[0].new_leader_order_id, events[1].refund_order_ids) == ("", [])
    assert not team.admit("order-0", now)


def test_nobody_leaves_a_team_that_succeeded() -> None:
    team = given_team(size=2, paid=1)

    assert not team.leave("order-0", OPENED_AT + timedelta(hours=1))


# -- expiry ----------------------------------------------------------------------------
def test_a_team_is_not_expired_before_its_deadline() -> None:
    team = given_team(size=3)

    assert not team.expire(DEADLINE - timedelta(seconds=1))
    assert team.is_forming


def test_an_unfilled_team_fails_at_its_deadline_naming_every_paid_order() -> None:
    team = given_team(size=5, paid=2, held=1)

    assert team.expire(DEADLINE)

    events = then(team)
    assert types(events) == [Team.Failed]
    assert events[0].refund_order_ids == [LEADER, "order-0", "order-1"]
    assert team.status == "failed"


def test_expiring_twice_records_nothing_the_second_time() -> None:
    team = given_team(size=3, paid=1)
    team.expire(DEADLINE)
    then(team)

    assert not team.expire(DEADLINE + timedelta(hours=1))
    assert then(team) == []


@pytest.mark.parametrize(
    ("size", "percent", "paid", "succeeds"),
    [
        (5, 60, 3, True),  # ceil(3.0) = 3: exactly met
        (5, 60, 2, False),  # one short
        (5, 50, 3, True),  # ceil(2.5) = 3: exactly met
        (5, 50, 2, False),
        (3, 1, 1, True),  # any paid member reaches ceil(0.03) = 1
        (4, 100, 3, False),
        (3, 0, 2, False),  # 0 = off
    ],
)
def test_virtual_success_at_the_threshold(
    size: int, percent: int, paid: int, succeeds: bool
) -> None:
    team = given_team(size=size, percent=percent, paid=paid - 1)

    assert team.expire(DEADLINE)

    events = then(team)
    if succeeds:
        assert types(events) == [Team.Succeeded]
        assert events[0].virtual and team.status == "succeeded"
    else:
        assert types(events) == [Team.Failed]
        assert len(events[0].refund_order_ids) == paid


# -- snapshots -------------------------------------------------------------------------
def test_a_team_survives_a_snapshot() -> None:
    team = given_team(size=5, paid=2, held=1)
    team.leave(LEADER, OPENED_AT + timedelta(hours=1))
    given(team)
    store = EventStore(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})

    stored = store.mapper.to_stored_event(Snapshot.take(team))
    snapshot = store.mapper.to_domain_event(stored)
    assert isinstance(snapshot, Snapshot)
    restored = snapshot.mutate(None)

    assert isinstance(restored, Team)
    assert vars(restored) == vars(team)
    now = OPENED_AT + timedelta(minutes=3)
    assert restored.seats_left(now) == team.seats_left(now) == 2
