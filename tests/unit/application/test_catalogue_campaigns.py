"""Catalogue upkeep meets campaigns (in memory): an off-sale SKU takes no
campaign orders and no new campaigns until it is back on sale, its units set
aside stay with the campaign, and a new price leaves campaign prices alone."""

from __future__ import annotations

from uuid import UUID

import pytest

from chalicelib.application import Shop
from chalicelib.domain.catalogue import NotOnSale
from chalicelib.domain.ids import product_id_for

from .support import available
from .test_flash_sale import buy, define_flash, member

OOLONG = product_id_for("oolong")


def test_an_off_sale_sku_takes_no_campaign_orders_until_back_on_sale(shop: Shop) -> None:
    define_flash(shop)
    shop.campaigns.start_campaign("flash")
    alice = member(shop, "alice")

    shop.catalogue.set_sku_on_sale(OOLONG, "tea-250", False)

    with pytest.raises(NotOnSale):
        buy(shop, alice)
    assert shop.campaigns.campaign_stock("flash")["tea-250"]["left"] == 6
    shop.catalogue.set_sku_on_sale(OOLONG, "tea-250", True)
    order_id = buy(shop, alice)
    assert isinstance(order_id, UUID)


def test_no_campaign_is_defined_on_an_off_sale_product(shop: Shop) -> None:
    shop.catalogue.set_on_sale(OOLONG, False)

    with pytest.raises(NotOnSale):
        define_flash(shop)
    assert available(shop, "tea-250") == 10


def test_a_new_price_leaves_the_campaign_price_alone(shop: Shop) -> None:
    define_flash(shop)
    shop.campaigns.start_campaign("flash")
    alice = member(shop, "alice")

    shop.catalogue.reprice(OOLONG, "tea-250", 1800, None)

    order = shop.orders.order(buy(shop, alice))
    assert order.lines[0].unit_price_fen == 990
