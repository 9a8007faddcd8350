"""Partial after-sales of a campaign order, in the domain: a campaign shard
and a member's campaign entry give back some of an order's units (a separate
event from the whole give-back), never more than the order still holds; a
closed shard hands them to regular stock; a bargain order (one unit) refuses
after-sales."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from chalicelib.domain.campaign_stock import CampaignEntry, CampaignStock
from chalicelib.domain.errors import CampaignLimitReached, DomainError, InvalidTransition
from chalicelib.domain.order import Order
from chalicelib.domain.values import CampaignRef

from .given import (
    LINE,
    MEMBER_ID,
    NOW,
    PAYABLE_FEN,
    PICKUP,
    PRICE,
    TRANSACTION_ID,
    given,
    then,
    types,
)

ORDER = uuid4()
OTHER = uuid4()


def shard_with(taken: int, allocated: int = 10) -> CampaignStock:
    shard = CampaignStock(campaign_id=uuid4(), sku_id="TEA", shard=0, quantity=allocated)
    shard.take(ORDER, taken)
    given(shard)
    return shard


def test_a_shard_takes_back_part_of_an_order_and_sells_it_again() -> None:
    shard = shard_with(taken=3)

    assert shard.give_back_part(ORDER, 1) == 0

    events = then(shard)
    assert types(events) == [CampaignStock.PartGivenBack]
    assert (events[0].quantity, events[0].to_regular) == (1, False)
    assert (shard.available, shard.holds(ORDER), shard.sold) == (8, 2, 2)
    shard.take(OTHER, 8)  # the unit given back sells again, and no more
    assert shard.available == 0


def test_the_last_units_remove_the_order_and_a_later_whole_give_back_gives_nothing() -> None:
    shard = shard_with(taken=3)
    shard.give_back_part(ORDER, 2)
    shard.give_back_part(ORDER, 1)
    given(shard)

    assert shard.taken == {} and shard.available == 10
    assert shard.give_back(ORDER) == 0
    assert shard.give_back_part(ORDER, 1) == 0
    assert then(shard) == []


def test_a_whole_give_back_after_a_part_gives_back_only_what_is_still_taken() -> None:
    shard = shard_with(taken=3)
    shard.give_back_part(ORDER, 1)
    given(shard)

    shard.give_back(ORDER)

    events = then(shard)
    assert types(events) == [CampaignStock.GivenBack] and events[0].quantity == 2
    assert (shard.available, shard.sold) == (10, 0)


def test_never_more_than_the_order_holds_and_at_least_one() -> None:
    shard = shard_with(taken=2)

    shard.give_back_part(ORDER, 5)

    assert then(shard)[0].quantity == 2
    assert shard.available == 10
    with pytest.raises(DomainError):
        shard.give_back_part(ORDER, 0)


def test_a_closed_shard_hands_the_units_to_regular_stock() -> None:
    shard = shard_with(taken=3)
    assert shard.close(NOW) == 7
    given(shard)

    assert shard.give_back_part(ORDER, 2) == 2

    events = then(shard)
    assert types(events) == [CampaignStock.PartGivenBack] and events[0].to_regular
    assert (shard.available, shard.holds(ORDER)) == (0, 1)


def test_the_members_limit_frees_up_by_the_refunded_units() -> None:
    entry = CampaignEntry(campaign_id=uuid4(), member_id=MEMBER_ID)
    entry.take(ORDER, 3, limit=3)
    given(entry)
    with pytest.raises(CampaignLimitReached):
        entry.take(OTHER, 1, limit=3)

    assert entry.give_back_part(ORDER, 1)

    events = then(entry)
    assert types(events) == [CampaignEntry.UnitsPartGivenBack] and events[0].quantity == 1
    entry.take(OTHER, 1, limit=3)
    assert entry.held == 3
    assert entry.give_back_part(ORDER, 9)  # the rest, no more
    assert entry.units == {str(OTHER): 1}
    assert not entry.give_back_part(ORDER, 1)
    assert not entry.give_back(ORDER)


def campaign_order(kind: str) -> Order:
    ref = CampaignRef(kind=kind, campaign_id=str(uuid4()), sku_id=LINE.sku_id, shard=0)
    order = Order(
        member_id=MEMBER_ID,
        payer_openid="openid-1",
        lines=[LINE],
        delivery=PICKUP,
        price=PRICE,
        note="",
        placed_at=NOW,
        pay_deadline=NOW + timedelta(minutes=5),
        campaign=ref,
    )
    order.record_payment(TRANSACTION_ID, PAYABLE_FEN, NOW + timedelta(minutes=1))
    return order


def test_flash_sale_and_group_buy_orders_take_after_sales_bargain_orders_do_not() -> None:
    campaign_order("flash_sale").require_after_sales()
    campaign_order("group_buy").require_after_sales()  # its team is the use case's to check
    with pytest.raises(InvalidTransition, match="bargain orders are refunded whole"):
        campaign_order("bargain").require_after_sales()
