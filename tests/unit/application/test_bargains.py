from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from uuid import UUID

import pytest

from chalicelib.application import Shop
from chalicelib.application.campaign_orders import OrderTerms
from chalicelib.application.errors import InvalidInput, NotFound
from chalicelib.clock import FixedClock
from chalicelib.domain.bargain import (
    AlreadyBought,
    AlreadyHelped,
    Bargain,
    BargainExpired,
    FloorReached,
    OwnBargain,
)
from chalicelib.domain.errors import CampaignNotOpen
from chalicelib.domain.order import OrderStatus
from chalicelib.domain.values import CampaignItem, CampaignRules

from .support import EXPRESS, available, pay, stored_events


def define_bargain(
    shop: Shop, *, code: str = "kan", kind: str = "bargain", ends_in: int = 72
) -> None:
    now = shop.clock.now()
    shop.campaigns.define_campaign(
        code=code,
        kind=kind,
        title="砍到 9.9",
        items=[CampaignItem("tea-250", 990, 5)],
        starts_at=now,
        ends_at=now + timedelta(hours=ends_in),
        per_member_limit=1,
        rules=CampaignRules(helps_needed=3, bargain_hours=24, team_size=2, team_hours=1),
        shards=1,
    )
    shop.campaigns.start_campaign(code)


def member(shop: Shop, name: str) -> UUID:
    member_id, _ = shop.logins.log_in(openid=f"o-{name}", unionid=None, scene=None, query={})
    return member_id


def started(shop: Shop, member_id: UUID) -> Bargain:
    define_bargain(shop)
    bargain, _ = shop.bargains.start_bargain("kan", member_id=member_id, sku_id="tea-250")
    return bargain


def helped(shop: Shop, bargain: Bargain, *names: str) -> Bargain:
    for name in names:
        shop.bargains.help_bargain(bargain.id, helper_id=member(shop, name))
    return shop.bargains.bargain(bargain.id)


def buy(shop: Shop, bargain: Bargain, member_id: UUID) -> UUID:
    return shop.bargains.buy_bargain(bargain.id, member_id=member_id, terms=OrderTerms(EXPRESS))


# -- starting ----------------------------------------------------------------------
def test_a_bargain_starts_at_the_regular_price_and_lasts_the_campaigns_hours(
    shop: Shop, member_id: UUID
) -> None:
    define_bargain(shop)

    bargain, new = shop.bargains.start_bargain("kan", member_id=member_id, sku_id="tea-250")

    assert new
    assert (bargain.original_fen, bargain.current_price_fen, bargain.floor_fen) == (2500, 2500, 990)
    assert (bargain.helps_needed, bargain.sku_id) == (3, "tea-250")
    assert bargain.expires_at == shop.clock.now() + timedelta(hours=24)
    assert stored_events(shop, bargain.id) == [Bargain.Started]


def test_starting_again_returns_the_same_bargain(shop: Shop, member_id: UUID) -> None:
    first = started(shop, member_id)

    again, new = shop.bargains.start_bargain("kan", member_id=member_id)

    assert (again.id, new) == (first.id, False)
    assert stored_events(shop, first.id) == [Bargain.Started]


def test_only_the_campaigns_sku_is_bargained(shop: Shop, member_id: UUID) -> None:
    define_bargain(shop)

    with pytest.raises(InvalidInput) as unknown:
        shop.bargains.start_bargain("kan", member_id=member_id, sku_id="tea-500")

    assert unknown.value.field == "sku_id"


def test_a_bargain_never_outlasts_its_campaign(shop: Shop, member_id: UUID) -> None:
    define_bargain(shop, ends_in=10)

    bargain, _ = shop.bargains.start_bargain("kan", member_id=member_id)

    assert bargain.expires_at == shop.clock.now() + timedelta(hours=10)


def test_bargains_start_only_in_an_open_bargain_campaign(shop: Shop, member_id: UUID) -> None:
    with pytest.raises(NotFound):
        shop.bargains.start_bargain("kan", member_id=member_id)
    define_bargain(shop, code="team", kind="group_buy")
    with pytest.raises(NotFound):
        shop.bargains.start_bargain("team", member_id=member_id)
    define_bargain(shop)
    shop.campaigns.pause_campaign("kan")
    with pytest.raises(CampaignNotOpen):
        shop.bargains.start_bargain("kan", member_id=member_id)


# -- helping -----------------------------------------------------------------------
def test_three_friends_bring_it_to_the_floor_and_a_fourth_is_refused(
    shop: Shop, member_id: UUID
) -> None:
    bargain = started(shop, member_id)
    bob = member(shop, "bob")

    bargain = helped(shop, bargain, "bob", "carol", "dave")

    assert bargain.current_price_fen == 990 and bargain.floor_reached
    assert sum(h.cut_fen for h in bargain.helps) == 2500 - 990
    assert bargain.helps[0].helper_id == str(bob)
    with pytest.raises(FloorReached):
        helped(shop, bargain, "erin")


def test_helping_your_own_bargain_or_twice_is_refused(shop: Shop, member_id: UUID) -> None:
    bargain = helped(shop, started(shop, member_id), "bob")

    with pytest.raises(OwnBargain):
        shop.bargains.help_bargain(bargain.id, helper_id=member_id)
    with pytest.raises(AlreadyHelped):
        helped(shop, bargain, "bob")
    assert len(shop.bargains.bargain(bargain.id).helps) == 1


def test_no_help_at_the_expiry_instant_nor_while_the_campaign_is_paused(
    shop: Shop, clock: FixedClock, member_id: UUID
) -> None:
    bargain = started(shop, member_id)
    shop.campaigns.pause_campaign("kan")
    with pytest.raises(CampaignNotOpen):
        helped(shop, bargain, "bob")
    shop.campaigns.resume_campaign("kan")

    clock.advance(hours=24)

    with pytest.raises(BargainExpired):
        helped(shop, bargain, "bob")


def test_helping_an_unknown_bargain_is_not_found(shop: Shop, member_id: UUID) -> None:
    with pytest.raises(NotFound):
        shop.bargains.help_bargain(UUID(int=7), helper_id=member_id)


# -- buying ------------------------------------------------------------------------
def test_the_starter_buys_one_unit_at_the_current_price(shop: Shop, member_id: UUID) -> None:
    bargain = helped(shop, started(shop, member_id), "bob")

    order = shop.orders.order(buy(shop, bargain, member_id))

    assert order.lines[0].unit_price_fen == bargain.current_price_fen < 2500
    assert (order.lines[0].quantity, order.price.member_discount_fen) == (1, 0)
    assert order.campaign is not None
    assert (order.campaign.kind, order.campaign.bargain_id) == ("bargain", str(bargain.id))
    assert shop.bargains.bargain(bargain.id).order_id == str(order.id)
    assert shop.campaigns.campaign_stock("kan")["tea-250"]["left"] == 4
    with pytest.raises(AlreadyBought):
        helped(shop, bargain, "carol")  # the price is settled while the order lives


def test_only_the_starter_buys_and_only_once(shop: Shop, member_id: UUID) -> None:
    bargain = helped(shop, started(shop, member_id), "bob", "carol", "dave")

    with pytest.raises(NotFound):
        buy(shop, bargain, member(shop, "bob"))
    buy(shop, bargain, member_id)
    with pytest.raises(AlreadyBought):
        buy(shop, bargain, member_id)


def test_paying_the_bargain_order(shop: Shop, member_id: UUID) -> None:
    bargain = helped(shop, started(shop, member_id), "bob", "carol", "dave")
    order_id = buy(shop, bargain, member_id)

    assert pay(shop, order_id)

    order = shop.orders.order(order_id)
    assert order.status == OrderStatus.PAID
    assert order.price.items_fen == 990
    with pytest.raises(AlreadyBought):
        buy(shop, bargain, member_id)


def test_an_order_cancelled_unpaid_lets_the_starter_buy_again(
    shop: Shop, clock: FixedClock, member_id: UUID
) -> None:
    bargain = helped(shop, started(shop, member_id), "bob")
    first = buy(shop, bargain, member_id)

    shop.orders.cancel_order(first, member_id=member_id, reason="wrong address")
    assert Bargain.BuyCancelled in stored_events(shop, bargain.id)
    second = buy(shop, bargain, member_id)  # the member's campaign limit freed up too
    clock.advance(minutes=5)
    assert shop.orders.expire_order(second)

    assert shop.bargains.bargain(bargain.id).order_id is None
    assert shop.campaigns.campaign_stock("kan")["tea-250"]["left"] == 5
    third = buy(shop, bargain, member_id)
    assert shop.orders.order(third).lines[0].unit_price_fen == bargain.current_price_fen


def test_buying_at_the_expiry_instant_is_refused(
    shop: Shop, clock: FixedClock, member_id: UUID
) -> None:
    bargain = helped(shop, started(shop, member_id), "bob", "carol", "dave")
    clock.advance(hours=24)

    with pytest.raises(BargainExpired):
        buy(shop, bargain, member_id)
    assert shop.campaigns.campaign_stock("kan")["tea-250"]["left"] == 5


def test_other_campaign_orders_cancel_as_before(shop: Shop, member_id: UUID) -> None:
    now = shop.clock.now()
    shop.campaigns.define_campaign(
        code="flash",
        kind="flash_sale",
        title="秒杀",
        items=[CampaignItem("tea-500", 1990, 2)],
        starts_at=now,
        ends_at=now + timedelta(hours=1),
        per_member_limit=1,
        rules=CampaignRules(),
        shards=1,
    )
    shop.campaigns.start_campaign("flash")
    order_id = shop.flash_sale.place_flash_order(
        "flash", member_id=member_id, sku_id="tea-500", quantity=1, terms=OrderTerms(EXPRESS)
    )

    shop.orders.cancel_order(order_id, member_id=member_id, reason="changed my mind")

    assert shop.campaigns.campaign_stock("flash")["tea-500"]["left"] == 2
    assert available(shop, "tea-500") == 1


def test_friends_racing_to_help_never_overshoot_the_floor(shop: Shop, member_id: UUID) -> None:
    bargain = started(shop, member_id)
    friends = [member(shop, f"f{n}") for n in range(8)]
    barrier = threading.Barrier(len(friends))

    def help_once(friend_id: UUID) -> str:
        barrier.wait()
        try:
            shop.bargains.help_bargain(bargain.id, helper_id=friend_id)
        except FloorReached:
            return "refused"
        return "helped"

    with ThreadPoolExecutor(len(friends)) as pool:
        outcomes = list(pool.map(help_once, friends))

    assert sorted(outcomes) == ["helped"] * 3 + ["refused"] * 5
    bargain = shop.bargains.bargain(bargain.id)
    assert bargain.current_price_fen == 990
    assert len({h.helper_id for h in bargain.helps}) == 3
