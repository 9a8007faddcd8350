from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from chalicelib.domain.bargain import (
    AlreadyBought,
    AlreadyHelped,
    Bargain,
    BargainExpired,
    FloorReached,
    OwnBargain,
    draw_cut,
)
from chalicelib.domain.errors import DomainError

from .given import given, then, types

NOW = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
CAMPAIGN_ID = UUID("00000000-0000-4000-8000-0000000000c1")
STARTER = UUID("00000000-0000-4000-8000-000000000001")
ORDER_ID = UUID("00000000-0000-4000-8000-0000000000aa")
HOURS = timedelta(hours=24)


def friend(n: int) -> UUID:
    return UUID(int=0x1000 + n)


def start(
    *,
    original_fen: int = 2500,
    floor_fen: int = 990,
    helps_needed: int = 3,
    member_id: UUID = STARTER,
    campaign_id: UUID = CAMPAIGN_ID,
) -> Bargain:
    return Bargain(
        campaign_id=campaign_id,
        member_id=member_id,
        sku_id="tea-250",
        original_fen=original_fen,
        floor_fen=floor_fen,
        helps_needed=helps_needed,
        started_at=NOW,
        expires_at=NOW + HOURS,
    )


def given_bargain(
    *, helps: int = 0, original_fen: int = 2500, floor_fen: int = 990, helps_needed: int = 3
) -> Bargain:
    bargain = start(original_fen=original_fen, floor_fen=floor_fen, helps_needed=helps_needed)
    for n in range(1, helps + 1):
        bargain.help(friend(n), NOW + timedelta(minutes=n))
    given(bargain)
    return bargain


# -- starting ----------------------------------------------------------------------
def test_a_bargain_starts_at_the_regular_price_under_an_id_per_member_and_campaign() -> None:
    bargain = start()

    events = then(bargain)
    assert types(events) == [Bargain.Started]
    assert bargain.id == Bargain.create_id(CAMPAIGN_ID, STARTER)
    assert bargain.id != Bargain.create_id(CAMPAIGN_ID, friend(1))
    assert bargain.id != Bargain.create_id(uuid4(), STARTER)
    assert (bargain.current_price_fen, bargain.floor_fen, bargain.helps_left) == (2500, 990, 3)
    assert bargain.expires_at == NOW + HOURS
    assert not bargain.floor_reached


@pytest.mark.parametrize(
    ("original_fen", "floor_fen", "helps_needed"),
    [(2500, 990, 0), (2500, 0, 3), (1000, 998, 3), (1000, 1000, 1), (1000, 1200, 1)],
)
def test_a_bargain_needs_at_least_one_fen_to_cut_per_help(
    original_fen: int, floor_fen: int, helps_needed: int
) -> None:
    with pytest.raises(DomainError):
        start(original_fen=original_fen, floor_fen=floor_fen, helps_needed=helps_needed)


def test_a_bargain_with_exactly_one_fen_per_help_cuts_one_fen_each() -> None:
    bargain = given_bargain(original_fen=1003, floor_fen=1000, helps_needed=3)

    cuts = [bargain.help(friend(n), NOW) for n in (1, 2, 3)]

    assert cuts == [1, 1, 1]
    assert bargain.current_price_fen == 1000


def test_a_bargain_must_expire_after_it_starts() -> None:
    with pytest.raises(DomainError):
        Bargain(
            campaign_id=CAMPAIGN_ID,
            member_id=STARTER,
            sku_id="tea-250",
            original_fen=2500,
            floor_fen=990,
            helps_needed=3,
            started_at=NOW,
            expires_at=NOW,
        )


# -- helping -----------------------------------------------------------------------
def test_a_help_records_its_cut_and_the_price_after_it() -> None:
    bargain = given_bargain()

    cut = bargain.help(friend(1), NOW + timedelta(minutes=5))

    events = then(bargain)
    assert types(events) == [Bargain.Helped]
    helped = events[0]
    assert (helped.helper_id, helped.cut_fen, helped.price_after_fen) == (
        friend(1),
        cut,
        2500 - cut,
    )
    assert not {"helper_name", "helper_avatar"} & set(vars(helped))  # the page asks the profile
    assert 1 <= cut <= 2500 - 990 - 2
    assert bargain.current_price_fen == 2500 - cut
    assert bargain.has_helped(friend(1))


def test_cuts_are_deterministic_per_bargain_and_help_number() -> None:
    first, second = start(), start()

    assert [first.help(friend(n), NOW) for n in (1, 2, 3)] == [
        second.help(friend(n + 10), NOW) for n in (1, 2, 3)
    ]


def test_exactly_helps_needed_helps_reach_the_floor_for_any_bargain() -> None:
    rng = random.Random(5)
    for _ in range(400):
        helps_needed = rng.randint(1, 12)
        floor_fen = rng.randint(1, 50_000)
        original_fen = floor_fen + helps_needed + rng.choice([0, 1, 7, rng.randint(0, 200_000)])
        bargain = start(
            original_fen=original_fen,
            floor_fen=floor_fen,
            helps_needed=helps_needed,
            member_id=uuid4(),
            campaign_id=uuid4(),
        )

        cuts = []
        for n in range(1, helps_needed + 1):
            assert not bargain.floor_reached
            cuts.append(bargain.help(friend(n), NOW))

        assert all(cut >= 1 for cut in cuts)
        assert sum(cuts) == original_fen - floor_fen
        assert bargain.current_price_fen == floor_fen and bargain.floor_reached
        assert [h.price_after_fen for h in bargain.helps][-1] == floor_fen
        with pytest.raises(FloorReached):
            bargain.help(friend(helps_needed + 1), NOW)


def test_cuts_are_roughly_even_on_average() -> None:
    totals = [0, 0, 0, 0]
    for _ in range(500):
        bargain = start(original_fen=10_990, floor_fen=990, helps_needed=4, member_id=uuid4())
        for n in range(1, 5):
            totals[n - 1] += bargain.help(friend(n), NOW)
    averages = [t / 500 for t in totals]
    assert all(1500 <= a <= 3500 for a in averages), averages


def test_draw_cut_leaves_one_fen_per_help_to_come_and_the_last_takes_the_rest() -> None:
    bargain_id = uuid4()
    for n in range(1, 200):
        assert 1 <= draw_cut(bargain_id, n, 10, 10) <= 1
        assert 1 <= draw_cut(bargain_id, n, 100, 5) <= 96
    assert draw_cut(bargain_id, 7, 321, 1) == 321


def test_a_one_help_bargain_reaches_the_floor_with_its_first_help() -> None:
    bargain = given_bargain(helps_needed=1)

    assert bargain.help(friend(1), NOW) == 2500 - 990
    assert bargain.floor_reached


def test_helping_your_own_bargain_is_refused() -> None:
    bargain = given_bargain()

    with pytest.raises(OwnBargain) as refused:
        bargain.help(STARTER, NOW)

    assert refused.value.code == "own_bargain"
    assert then(bargain) == []
    assert not bargain.can_help(STARTER, NOW)


def test_helping_twice_is_refused() -> None:
    bargain = given_bargain(helps=1)

    with pytest.raises(AlreadyHelped) as refused:
        bargain.help(friend(1), NOW + timedelta(hours=1))

    assert refused.value.code == "already_helped"
    assert bargain.can_help(friend(2), NOW) and not bargain.can_help(friend(1), NOW)


def test_a_help_just_before_expiry_counts() -> None:
    bargain = given_bargain()

    bargain.help(friend(1), NOW + HOURS - timedelta(microseconds=1))

    assert len(bargain.helps) == 1


def test_a_help_at_exactly_the_expiry_instant_is_refused() -> None:
    bargain = given_bargain()

    with pytest.raises(BargainExpired) as refused:
        bargain.help(friend(1), NOW + HOURS)

    assert refused.value.code == "bargain_expired"
    assert json.dumps(refused.value.details)  # the API answers with them
    assert then(bargain) == [] and bargain.current_price_fen == 2500


def test_a_help_after_the_floor_is_reached_is_refused() -> None:
    bargain = given_bargain(helps=3)

    with pytest.raises(FloorReached) as refused:
        bargain.help(friend(4), NOW)

    assert refused.value.code == "floor_reached"


def test_a_help_while_the_starter_is_buying_is_refused() -> None:
    bargain = given_bargain(helps=1)
    bargain.buy(ORDER_ID, NOW)

    with pytest.raises(AlreadyBought):
        bargain.help(friend(2), NOW)


# -- buying ------------------------------------------------------------------------
def test_the_starter_buys_at_the_current_price_before_the_floor() -> None:
    bargain = given_bargain(helps=2)
    price = bargain.current_price_fen

    bargain.buy(ORDER_ID, NOW + timedelta(hours=2))

    events = then(bargain)
    assert types(events) == [Bargain.Bought]
    assert (events[0].order_id, events[0].price_fen) == (str(ORDER_ID), price)
    assert 990 < price < 2500
    assert bargain.order_id == str(ORDER_ID)


def test_buying_without_any_help_pays_the_regular_price() -> None:
    bargain = given_bargain()

    bargain.buy(ORDER_ID, NOW)

    assert then(bargain)[0].price_fen == 2500


def test_buying_at_or_after_expiry_is_refused() -> None:
    bargain = given_bargain(helps=3)

    with pytest.raises(BargainExpired):
        bargain.buy(ORDER_ID, NOW + HOURS)
    assert then(bargain) == []


def test_one_live_order_at_a_time() -> None:
    bargain = given_bargain(helps=3)
    bargain.buy(ORDER_ID, NOW)

    with pytest.raises(AlreadyBought) as refused:
        bargain.buy(uuid4(), NOW)

    assert refused.value.code == "already_bought"


def test_an_order_cancelled_unpaid_lets_the_starter_buy_again() -> None:
    bargain = given_bargain(helps=3)
    bargain.buy(ORDER_ID, NOW)
    given(bargain)

    assert bargain.cancel_buy(ORDER_ID, NOW + timedelta(minutes=5))
    assert not bargain.cancel_buy(ORDER_ID, NOW + timedelta(minutes=6))
    assert types(then(bargain)) == [Bargain.BuyCancelled]

    again = uuid4()
    bargain.buy(again, NOW + timedelta(minutes=7))
    assert bargain.order_id == str(again)


def test_cancelling_another_order_changes_nothing() -> None:
    bargain = given_bargain()
    bargain.buy(ORDER_ID, NOW)
    given(bargain)

    assert not bargain.cancel_buy(uuid4(), NOW)
    assert then(bargain) == [] and bargain.order_id == str(ORDER_ID)
