"""Catalogue upkeep in the domain: edits, price schedules, new SKUs, off sale,
and the low-stock threshold's crossings. No I/O."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from chalicelib.domain.catalogue import NotOnSale, Product, Stock, UnknownSku
from chalicelib.domain.errors import DomainError
from chalicelib.domain.price_schedule import PriceChange, PricePlan
from chalicelib.domain.values import SkuSpec

from .given import NOW, given, then, types

ORDER_ID = UUID("00000000-0000-4000-8000-0000000000aa")
HOUR = timedelta(hours=1)


def given_product() -> Product:
    product = given(
        Product(
            slug="tea",
            title="Tea",
            category="tea",
            description="",
            image_url="",
            skus=[SkuSpec("T-1", "50g", 6800), SkuSpec("T-2", "100g", 12000)],
        )
    )
    assert isinstance(product, Product)
    return product


def given_stock(quantity: int, threshold: int | None = None) -> Stock:
    stock = Stock(sku_id="T-1", product_id="p-1", quantity=quantity)
    if threshold is not None:
        stock.set_low_stock_threshold(threshold)
    given(stock)
    return stock


# -- price schedule -----------------------------------------------------------------
def test_a_plan_gives_the_base_price_until_a_change_takes_effect() -> None:
    plan = PricePlan(6800).decide(PriceChange(NOW + HOUR, 5800), decided_at=NOW)

    assert plan.price_at(NOW) == 6800
    assert plan.price_at(NOW + HOUR - timedelta(microseconds=1)) == 6800
    assert plan.price_at(NOW + HOUR) == 5800
    assert plan.upcoming(NOW) == (PriceChange(NOW + HOUR, 5800),)


def test_a_later_decision_drops_the_changes_planned_from_its_time_on() -> None:
    plan = (
        PricePlan(6800)
        .decide(PriceChange(NOW + HOUR, 5800), NOW)
        .decide(PriceChange(NOW + 3 * HOUR, 4800), NOW)
        .decide(PriceChange(NOW + 2 * HOUR, 6000), NOW)
    )

    assert [c.price_fen for c in plan.pending] == [5800, 6000]
    assert plan.price_at(NOW + 4 * HOUR) == 6000


def test_changes_whose_time_came_fold_into_the_base_at_the_next_decision() -> None:
    plan = PricePlan(6800).decide(PriceChange(NOW + HOUR, 5800), NOW)
    plan = plan.decide(PriceChange(NOW + 3 * HOUR, 4800), NOW + 2 * HOUR)

    assert plan.base_fen == 5800
    assert plan.pending == (PriceChange(NOW + 3 * HOUR, 4800),)


def test_a_change_effective_now_replaces_the_base_price() -> None:
    plan = PricePlan(6800).decide(PriceChange(NOW, 5000), NOW)

    assert plan == PricePlan(5000)


# -- product ------------------------------------------------------------------------
def test_repricing_now_records_the_decision_and_changes_the_listed_price() -> None:
    product = given_product()

    product.reprice("T-1", 5800, NOW, NOW)

    assert types(then(product)) == [Product.SkuRepriced]
    assert product.price_at("T-1", NOW) == 5800
    assert product.sku("T-1") == SkuSpec("T-1", "50g", 5800)
    assert product.price_at("T-2", NOW) == 12000


def test_a_scheduled_price_takes_effect_by_the_clock() -> None:
    product = given_product()

    product.reprice("T-1", 5800, NOW + HOUR, NOW)

    assert product.price_at("T-1", NOW) == 6800
    assert product.price_at("T-1", NOW + HOUR) == 5800
    assert product.sku("T-1") == SkuSpec("T-1", "50g", 6800)


def test_a_time_before_the_decision_means_now() -> None:
    product = given_product()

    product.reprice("T-1", 5800, NOW - HOUR, NOW)

    assert product.pending_events[-1].effective_at == NOW  # type: ignore[attr-defined]


def test_repricing_an_unknown_sku_or_to_nothing_is_refused() -> None:
    product = given_product()

    with pytest.raises(UnknownSku):
        product.reprice("nope", 5800, NOW, NOW)
    with pytest.raises(DomainError):
        product.reprice("T-1", 0, NOW, NOW)
    assert then(product) == []


def test_editing_records_every_field_as_it_now_is() -> None:
    product = given_product()

    product.edit("Green tea", "green", "Fresh", "https://img/1.jpg", ["https://img/2.jpg"])

    assert types(then(product)) == [Product.Edited]
    assert (product.title, product.category, product.images) == (
        "Green tea",
        "green",
        ["https://img/2.jpg"],
    )


def test_a_new_sku_sells_at_its_own_price_and_a_known_one_is_refused() -> None:
    product = given_product()

    product.add_sku(SkuSpec("T-3", "250g", 25000))

    assert types(then(product)) == [Product.SkuAdded]
    assert product.price_at("T-3", NOW) == 25000
    with pytest.raises(DomainError):
        product.add_sku(SkuSpec("T-1", "again", 1))


def test_off_sale_product_or_sku_cannot_be_sold_until_back_on_sale() -> None:
    product = given_product()

    assert product.set_sku_on_sale("T-2", False)
    product.require_on_sale("T-1")
    with pytest.raises(NotOnSale):
        product.require_on_sale("T-2")
    assert product.set_on_sale(False)
    with pytest.raises(NotOnSale):
        product.require_on_sale("T-1")
    assert not product.set_on_sale(False)

    assert product.set_on_sale(True) and product.set_sku_on_sale("T-2", True)
    assert types(then(product)) == [
        Product.SkuTakenOffSale,
        Product.TakenOffSale,
        Product.PutOnSale,
        Product.SkuPutOnSale,
    ]
    product.require_on_sale("T-2")


# -- low stock ----------------------------------------------------------------------
def test_falling_to_the_threshold_records_one_crossing() -> None:
    stock = given_stock(5, threshold=2)

    stock.reserve(ORDER_ID, 3)
    stock.reserve(ORDER_ID, 1)

    assert types(then(stock)) == [Stock.Reserved, Stock.RanLow, Stock.Reserved]
    assert stock.low_crossings == 1 and stock.is_low


def test_a_restock_above_the_threshold_arms_the_next_crossing() -> None:
    stock = given_stock(3, threshold=2)
    stock.reserve(ORDER_ID, 1)
    stock.restock(1)  # back to 3: above again
    stock.reserve(ORDER_ID, 2)

    crossings = [e.crossing for e in stock.pending_events if isinstance(e, Stock.RanLow)]
    assert crossings == [1, 2]


def test_a_restock_that_stays_at_or_below_the_threshold_does_not_rearm() -> None:
    stock = given_stock(3, threshold=2)
    stock.reserve(ORDER_ID, 2)
    stock.release(ORDER_ID, 1)  # 2: still low
    stock.reserve(ORDER_ID, 1)

    assert [type(e) for e in stock.pending_events].count(Stock.RanLow) == 1


def test_a_campaign_allocation_can_cross_the_threshold_too() -> None:
    stock = given_stock(10, threshold=4)

    stock.allocate(ORDER_ID, 6)

    assert types(then(stock)) == [Stock.Allocated, Stock.RanLow]


def test_setting_a_threshold_already_reached_records_a_crossing() -> None:
    stock = given_stock(2)

    stock.set_low_stock_threshold(5)
    stock.set_low_stock_threshold(5)

    assert types(then(stock)) == [Stock.LowStockThresholdSet, Stock.RanLow]


def test_no_threshold_no_crossing_and_a_negative_one_is_refused() -> None:
    stock = given_stock(2)

    stock.reserve(ORDER_ID, 2)
    with pytest.raises(DomainError):
        stock.set_low_stock_threshold(-1)

    assert types(then(stock)) == [Stock.Reserved]
