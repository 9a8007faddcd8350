from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from chalicelib.application import Shop
from chalicelib.application.campaign_orders import OrderTerms
from chalicelib.application.campaigns import CampaignExists
from chalicelib.application.errors import InvalidInput, NotFound
from chalicelib.clock import FixedClock
from chalicelib.domain.campaign import CampaignStatus
from chalicelib.domain.errors import (
    CampaignLimitReached,
    CampaignNotOpen,
    InvalidTransition,
    OutOfStock,
)
from chalicelib.domain.order import OrderStatus
from chalicelib.domain.values import CampaignItem, CampaignRules

from .support import EXPRESS, available, pay, refund_notified


def define_flash(
    shop: Shop, *, stock: int = 6, limit: int = 2, shards: int | None = 3, code: str = "flash"
) -> None:
    now = shop.clock.now()
    shop.campaigns.define_campaign(
        code=code,
        kind="flash_sale",
        title="Double 11",
        items=[CampaignItem("tea-250", 990, stock)],
        starts_at=now,
        ends_at=now + timedelta(hours=2),
        per_member_limit=limit,
        rules=CampaignRules(pay_minutes=5),
        shards=shards,
    )


def buy(shop: Shop, member_id: UUID, quantity: int = 1, code: str = "flash") -> UUID:
    return shop.flash_sale.place_flash_order(
        code, member_id=member_id, sku_id="tea-250", quantity=quantity, terms=OrderTerms(EXPRESS)
    )


def member(shop: Shop, name: str) -> UUID:
    member_id, _ = shop.logins.log_in(openid=f"o-{name}", unionid=None, scene=None, query={})
    return member_id


def test_starting_sets_the_units_aside_from_regular_stock(shop: Shop) -> None:
    define_flash(shop)
    assert available(shop, "tea-250") == 10
    shop.campaigns.start_campaign("flash")
    assert available(shop, "tea-250") == 4
    assert shop.campaigns.campaign_stock("flash")["tea-250"] == {"stock": 6, "left": 6, "taken": 0}


def test_a_flash_order_is_priced_at_the_campaign_price_without_level_discount(
    shop: Shop, member_id: UUID
) -> None:
    define_flash(shop)
    shop.campaigns.start_campaign("flash")
    order = shop.orders.order(buy(shop, member_id, 2))
    assert order.lines[0].unit_price_fen == 990
    assert order.price.items_fen == 1980
    assert order.price.member_discount_fen == 0
    assert order.pay_deadline == shop.clock.now() + timedelta(minutes=5)
    assert order.campaign is not None and order.campaign.kind == "flash_sale"
    assert shop.campaigns.campaign_stock("flash")["tea-250"]["left"] == 4


def test_the_member_limit_holds_across_orders(shop: Shop, member_id: UUID) -> None:
    define_flash(shop, limit=2)
    shop.campaigns.start_campaign("flash")
    buy(shop, member_id)
    buy(shop, member_id)
    with pytest.raises(CampaignLimitReached):
        buy(shop, member_id)


def test_never_sold_beyond_its_stock(shop: Shop) -> None:
    define_flash(shop, stock=3, limit=0, shards=3)
    shop.campaigns.start_campaign("flash")
    buyers = [member(shop, f"b{n}") for n in range(4)]
    for buyer in buyers[:3]:
        buy(shop, buyer)
    with pytest.raises(OutOfStock):
        buy(shop, buyers[3])
    assert shop.campaigns.campaign_stock("flash")["tea-250"] == {"stock": 3, "left": 0, "taken": 3}


def test_a_buyer_who_comes_too_late_hears_sold_out_before_the_order_is_priced(
    shop: Shop,
) -> None:
    define_flash(shop, stock=1, limit=0, shards=1)
    shop.campaigns.start_campaign("flash")
    first, late = member(shop, "first"), member(shop, "late")
    buy(shop, first)
    with pytest.raises(OutOfStock, match="sold out"):
        shop.flash_sale.place_flash_order(
            "flash",
            member_id=late,
            sku_id="tea-250",
            quantity=1,
            terms=OrderTerms(EXPRESS, quote_id="a-quote-from-before-the-price-changed"),
        )


def test_an_unpaid_flash_order_gives_its_units_back_after_five_minutes(
    shop: Shop, clock: FixedClock, member_id: UUID
) -> None:
    define_flash(shop, stock=3, limit=1)
    shop.campaigns.start_campaign("flash")
    order_id = buy(shop, member_id)
    clock.advance(minutes=4, seconds=59)
    assert not shop.orders.expire_order(order_id)
    clock.advance(seconds=1)
    assert shop.orders.expire_order(order_id)
    assert shop.campaigns.campaign_stock("flash")["tea-250"]["left"] == 3
    buy(shop, member_id)  # the limit freed up too


def test_orders_are_refused_outside_the_window_and_while_paused(
    shop: Shop, clock: FixedClock, member_id: UUID
) -> None:
    define_flash(shop)
    with pytest.raises(CampaignNotOpen):
        buy(shop, member_id)  # still a draft
    shop.campaigns.start_campaign("flash")
    shop.campaigns.pause_campaign("flash")
    with pytest.raises(CampaignNotOpen):
        buy(shop, member_id)
    shop.campaigns.resume_campaign("flash")
    buy(shop, member_id)
    clock.advance(hours=2)
    with pytest.raises(CampaignNotOpen):
        buy(shop, member_id)


def test_ending_returns_unsold_units_and_later_returns_go_to_regular_stock(
    shop: Shop, clock: FixedClock, member_id: UUID
) -> None:
    define_flash(shop, stock=6)
    shop.campaigns.start_campaign("flash")
    order_id = buy(shop, member_id)
    pay(shop, order_id)
    clock.advance(hours=2)
    campaign = shop.campaign_orders.campaign("flash")
    assert shop.campaigns.end_due_campaign(campaign.id)
    assert not shop.campaigns.end_due_campaign(campaign.id)
    assert shop.campaign_orders.campaign("flash").status == CampaignStatus.ENDED
    assert available(shop, "tea-250") == 4 + 5
    shop.orders.refund_by_shop(order_id, reason="out of date")
    refund_notified(shop, order_id)
    assert shop.orders.order(order_id).status == OrderStatus.REFUNDED
    assert available(shop, "tea-250") == 10


def test_definitions_are_checked_field_by_field(shop: Shop) -> None:
    now = shop.clock.now()
    base = dict(
        code="gb",
        kind="group_buy",
        title="Team up",
        items=[CampaignItem("tea-250", 1990, 4)],
        starts_at=now,
        ends_at=now + timedelta(days=1),
        per_member_limit=1,
        shards=1,
    )
    with pytest.raises(InvalidInput) as error:
        shop.campaigns.define_campaign(**base, rules=CampaignRules(team_size=11, team_hours=24))  # type: ignore[arg-type]
    assert error.value.field == "rules.team_size"
    with pytest.raises(InvalidInput) as error:
        shop.campaigns.define_campaign(  # type: ignore[arg-type]
            **{**base, "items": [CampaignItem("ghost", 1, 1)]},
            rules=CampaignRules(team_size=3, team_hours=24),
        )
    assert error.value.field == "items[0].sku_id"


def test_a_code_is_defined_once_and_started_once(shop: Shop) -> None:
    define_flash(shop)
    with pytest.raises(CampaignExists):
        define_flash(shop)
    shop.campaigns.start_campaign("flash")
    with pytest.raises(InvalidTransition):
        shop.campaigns.start_campaign("flash")
    with pytest.raises(NotFound):
        shop.campaigns.start_campaign("nope")


def test_starting_with_too_little_regular_stock_changes_nothing(shop: Shop) -> None:
    define_flash(shop, stock=11, shards=1)
    with pytest.raises(OutOfStock):
        shop.campaigns.start_campaign("flash")
    assert shop.campaign_orders.campaign("flash").status == CampaignStatus.DRAFT
    assert available(shop, "tea-250") == 10
