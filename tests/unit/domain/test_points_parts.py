"""Redeemed points given back part by part with after-sales refunds: the
apportioning rule for points (any split gives back exactly what was redeemed),
the account's partial restoration (once per request, the last taken lots
first) and the whole restoration that gives back only the rest."""

from __future__ import annotations

import random
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import DatetimeAsISO, JSONTranscoder, Mapper, UUIDAsHex

from chalicelib.domain.apportion import points_back
from chalicelib.domain.errors import AccountClosed
from chalicelib.domain.points import PointsAccount
from chalicelib.domain.points_parts import not_back_yet, take_last_first

from .given import then, types
from .test_points import (
    EARNED_AT,
    EXPIRES_AT,
    LOT_A,
    LOT_B,
    MEMBER_ID,
    ORDER_A,
    ORDER_B,
    ORDER_R,
    POLICY,
    bj,
    given_account,
    remaining,
)

PART_1 = UUID("00000000-0000-4000-8000-0000000000a1")
PART_2 = UUID("00000000-0000-4000-8000-0000000000a2")


def random_split(rng: random.Random, whole: int) -> list[int]:
    cuts = sorted(rng.randint(0, whole) for _ in range(rng.randint(0, 5)))
    return [b - a for a, b in zip([0, *cuts], [*cuts, whole], strict=True)]


def test_any_split_of_the_goods_gives_back_exactly_the_points_redeemed() -> None:
    rng = random.Random(17)
    for _ in range(3000):
        points, goods = rng.randint(0, 50_000), rng.randint(1, 200_000)
        refunded, given_back = 0, []
        for part in random_split(rng, goods):
            given_back.append(
                points_back(points, refunded_fen=refunded, part_fen=part, goods_fen=goods)
            )
            refunded += part
        assert sum(given_back) == points and min(given_back) >= 0


def test_the_points_rule_on_the_readme_example() -> None:
    """500 points redeemed on 6997 fen of goods paid: a part worth 1865 gives
    back ⌊500 × 1865 / 6997⌋ = 133, the rest of the order 367."""
    first = points_back(500, refunded_fen=0, part_fen=1865, goods_fen=6997)
    second = points_back(500, refunded_fen=1865, part_fen=6997 - 1865, goods_fen=6997)
    assert (first, second) == (133, 367)
    assert points_back(500, refunded_fen=0, part_fen=0, goods_fen=6997) == 0
    assert points_back(500, refunded_fen=0, part_fen=0, goods_fen=0) == 0


def test_what_is_not_back_yet_leaves_out_the_lots_given_back_whole() -> None:
    taken = {LOT_A: 100, LOT_B: 50}
    assert not_back_yet(taken, {}) == taken
    assert not_back_yet(taken, {LOT_B: 50, LOT_A: 20}) == {LOT_A: 80}
    assert not_back_yet(taken, {LOT_A: 100, LOT_B: 50}) == {}


@pytest.mark.parametrize(
    ("points", "taken"),
    [
        (30, {LOT_B: 30}),
        (70, {LOT_B: 50, LOT_A: 20}),
        (999, {LOT_B: 50, LOT_A: 100}),
        (0, {}),
        (-5, {}),
    ],
)
def test_taking_last_first_empties_the_last_lot_before_the_one_before(
    points: int, taken: dict[str, int]
) -> None:
    lots = {LOT_A: 100, LOT_B: 50}
    assert take_last_first(lots, points) == taken
    assert list(take_last_first(lots, points)) == list(taken)


def redeemed_account() -> PointsAccount:
    """150 redeemed for ORDER_R: 100 from LOT_A (expires first), 50 from LOT_B."""
    account = given_account((ORDER_A, 100, EARNED_AT), (ORDER_B, 100, bj(2026, 5, 1)))
    account.redeem(ORDER_R, 150, bj(2026, 6, 1))
    account.collect_events()
    return account


def test_a_part_gives_back_into_the_lots_taken_last_first() -> None:
    account = redeemed_account()

    assert account.restore_part(ORDER_R, PART_1, 70, bj(2026, 6, 2)) is True

    events = then(account)
    assert types(events) == [PointsAccount.RedemptionPartRestored]
    e = events[0]
    assert (e.order_id, e.after_sale_id, e.points) == (str(ORDER_R), str(PART_1), 70)
    assert (e.taken, e.balance_after) == ({LOT_B: 50, LOT_A: 20}, 120)
    assert remaining(account) == {LOT_A: 20, LOT_B: 100}


def test_a_part_gives_back_once_and_the_whole_restoration_only_the_rest() -> None:
    account = redeemed_account()
    account.restore_part(ORDER_R, PART_1, 70, bj(2026, 6, 2))
    account.collect_events()

    assert account.restore_part(ORDER_R, PART_1, 70, bj(2026, 6, 3)) is False
    assert then(account) == []
    assert account.restore_redemption(ORDER_R, bj(2026, 6, 3)) is True

    events = then(account)
    assert types(events) == [PointsAccount.RedemptionRestored]
    assert (events[0].points, events[0].taken, events[0].balance_after) == (80, {LOT_A: 80}, 200)
    assert remaining(account) == {LOT_A: 100, LOT_B: 100}
    assert account.restore_part(ORDER_R, PART_2, 10, bj(2026, 6, 4)) is False
    assert account.restore_redemption(ORDER_R, bj(2026, 6, 4)) is False
    assert then(account) == []


def test_parts_that_give_back_everything_leave_nothing_for_the_whole_restoration() -> None:
    account = redeemed_account()
    account.restore_part(ORDER_R, PART_1, 100, bj(2026, 6, 2))
    account.restore_part(ORDER_R, PART_2, 999, bj(2026, 6, 2))  # capped at what is left
    assert [e.points for e in then(account)] == [100, 50]

    assert account.restore_redemption(ORDER_R, bj(2026, 6, 3)) is False
    assert then(account) == []
    assert account.balance == 200


@pytest.mark.parametrize("points", [0, -5])
def test_a_part_giving_back_nothing_or_of_an_order_that_redeemed_nothing_records_nothing(
    points: int,
) -> None:
    account = redeemed_account()

    assert account.restore_part(ORDER_R, PART_1, points, bj(2026, 6, 2)) is False
    assert account.restore_part(ORDER_A, PART_2, 10, bj(2026, 6, 2)) is False

    assert then(account) == []
    assert account.redeemed_for(ORDER_R) == 150 and account.redeemed_for(ORDER_A) == 0


def test_points_given_back_into_an_expired_lot_lapse_at_the_next_expiry_run() -> None:
    account = given_account((ORDER_A, 100, EARNED_AT))
    account.redeem(ORDER_R, 100, bj(2027, 3, 1, 12))
    account.expire(EXPIRES_AT)
    account.collect_events()

    account.restore_part(ORDER_R, PART_1, 40, bj(2027, 3, 2, 9))
    assert (account.balance, account.available(bj(2027, 3, 2, 9))) == (40, 0)
    assert account.expire(bj(2027, 3, 2, 9)) == 40


def test_a_closed_account_refuses_a_part() -> None:
    account = redeemed_account()
    account.close(bj(2026, 6, 2))

    with pytest.raises(AccountClosed):
        account.restore_part(ORDER_R, PART_1, 10, bj(2026, 6, 3))


def test_parts_are_rebuilt_from_the_stored_events() -> None:
    account = PointsAccount(member_id=MEMBER_ID)
    account.earn_for_order(ORDER_A, 100, EARNED_AT, POLICY)
    account.earn_for_order(ORDER_B, 100, bj(2026, 5, 1), POLICY)
    account.redeem(ORDER_R, 150, bj(2026, 6, 1))
    account.restore_part(ORDER_R, PART_1, 70, bj(2026, 6, 2))
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DatetimeAsISO()):
        transcoder.register(transcoding)
    mapper: Mapper[UUID] = Mapper(transcoder=transcoder)

    replayed: Any = None
    topics = []
    for e in account.collect_events():
        recorded = mapper.to_stored_event(e)
        topics.append(recorded.topic)
        stored: Any = mapper.to_domain_event(recorded)
        replayed = stored.mutate(replayed)

    assert topics[-1] == "chalicelib.domain.points:PointsAccount.RedemptionPartRestored"

    assert isinstance(replayed, PointsAccount)
    assert remaining(replayed) == remaining(account) == {LOT_A: 20, LOT_B: 100}
    assert replayed.parts_restored == {str(PART_1)}
    assert replayed.restore_part(ORDER_R, PART_1, 70, bj(2026, 6, 3)) is False
    assert replayed.restore_redemption(ORDER_R, bj(2026, 6, 3)) is True
    assert replayed.balance == 200
