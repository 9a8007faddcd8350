from __future__ import annotations

from uuid import UUID

import pytest

from chalicelib.domain.catalogue import Product, Stock
from chalicelib.domain.errors import DomainError, OutOfStock
from chalicelib.domain.ids import product_id_for, stock_id_for
from chalicelib.domain.values import SkuSpec

from .given import given, then, types

ORDER_ID = UUID("00000000-0000-4000-8000-0000000000aa")
OTHER_ORDER_ID = UUID("00000000-0000-4000-8000-0000000000bb")


def given_stock(quantity: int = 5) -> Stock:
    return given(Stock(sku_id="sku-1", product_id="p-1", quantity=quantity))


# -- product ---------------------------------------------------------------------
def test_listing_a_product_records_its_skus_under_an_id_from_its_slug() -> None:
    skus = [SkuSpec("sku-1", "250g", 2500), SkuSpec("sku-2", "500g", 4500)]

    product = Product(
        slug="oolong",
        title="Oolong",
        category="tea",
        description="",
        image_url="https://img.example/oolong.jpg",
        skus=skus,
    )

    events = then(product)
    assert types(events) == [Product.Listed]
    assert events[0].slug == "oolong"
    assert events[0].skus == skus
    assert product.id == product_id_for("oolong")
    assert product.sku("sku-2") == skus[1]
    assert product.sku("sku-3") is None


# -- stock -----------------------------------------------------------------------
def test_stocking_a_sku_records_its_opening_quantity_under_an_id_from_the_sku() -> None:
    stock = Stock(sku_id="sku-1", product_id="p-1", quantity=5)

    events = then(stock)
    assert types(events) == [Stock.Stocked]
    assert events[0].quantity == 5
    assert stock.available == 5
    assert stock.id == stock_id_for("sku-1")


def test_a_sku_may_start_with_no_stock() -> None:
    assert Stock(sku_id="sku-1", product_id="p-1", quantity=0).available == 0


def test_a_sku_cannot_start_with_negative_stock() -> None:
    with pytest.raises(DomainError):
        Stock(sku_id="sku-1", product_id="p-1", quantity=-1)


def test_reserving_exactly_what_is_available_leaves_zero() -> None:
    stock = given_stock(5)

    stock.reserve(ORDER_ID, 5)

    events = then(stock)
    assert types(events) == [Stock.Reserved]
    assert (events[0].order_id, events[0].quantity) == (str(ORDER_ID), 5)
    assert stock.available == 0


def test_reserving_one_more_than_available_is_out_of_stock() -> None:
    stock = given_stock(5)

    with pytest.raises(OutOfStock) as raised:
        stock.reserve(ORDER_ID, 6)

    assert raised.value.details == {"sku_id": "sku-1", "available": 5}
    assert then(stock) == []
    assert stock.available == 5


def test_the_last_unit_cannot_be_reserved_twice() -> None:
    stock = given_stock(1)
    stock.reserve(ORDER_ID, 1)
    stock.collect_events()

    with pytest.raises(OutOfStock):
        stock.reserve(OTHER_ORDER_ID, 1)

    assert then(stock) == []


def test_releasing_a_reservation_puts_it_back() -> None:
    stock = given_stock(5)
    stock.reserve(ORDER_ID, 3)
    stock.collect_events()

    stock.release(ORDER_ID, 3)

    events = then(stock)
    assert types(events) == [Stock.Released]
    assert (events[0].order_id, events[0].quantity) == (str(ORDER_ID), 3)
    assert stock.available == 5


def test_restocking_adds_to_what_is_available() -> None:
    stock = given_stock(0)

    stock.restock(1)

    events = then(stock)
    assert types(events) == [Stock.Restocked]
    assert events[0].quantity == 1
    assert stock.available == 1


@pytest.mark.parametrize("quantity", [0, -1])
def test_restocking_nothing_or_less_is_refused(quantity: int) -> None:
    stock = given_stock(5)

    with pytest.raises(DomainError):
        stock.restock(quantity)

    assert then(stock) == []
    assert stock.available == 5
