from __future__ import annotations

import pytest

from chalicelib.domain.policy import OrderPolicy
from chalicelib.domain.pricing import ShippingPolicy, price_order
from chalicelib.domain.values import Delivery, OrderLine, PriceBreakdown

from .given import EXPRESS, PICKUP

POLICY = ShippingPolicy(fee_fen=1000, free_from_fen=9900)


def lines_worth(*totals: int) -> list[OrderLine]:
    return [
        OrderLine(product_id="p", sku_id=f"s{i}", title="t", unit_price_fen=t, quantity=1)
        for i, t in enumerate(totals)
    ]


def test_line_totals_multiply_unit_price_by_quantity() -> None:
    line = OrderLine(product_id="p", sku_id="s", title="t", unit_price_fen=1250, quantity=3)

    assert line.total_fen == 3750


def test_below_the_threshold_express_pays_the_shipping_fee() -> None:
    price = price_order(lines_worth(4000, 5899), EXPRESS, POLICY)

    assert price == PriceBreakdown(
        items_fen=9899, discount_fen=0, shipping_fen=1000, payable_fen=10899
    )


def test_exactly_at_the_threshold_shipping_is_free() -> None:
    price = price_order(lines_worth(4000, 5900), EXPRESS, POLICY)

    assert price == PriceBreakdown(items_fen=9900, discount_fen=0, shipping_fen=0, payable_fen=9900)


def test_store_pickup_never_pays_shipping() -> None:
    price = price_order(lines_worth(1), PICKUP, POLICY)

    assert price == PriceBreakdown(items_fen=1, discount_fen=0, shipping_fen=0, payable_fen=1)


@pytest.mark.parametrize("delivery", [EXPRESS, PICKUP])
def test_every_amount_is_an_integer_number_of_fen(delivery: Delivery) -> None:
    price = price_order(
        [OrderLine(product_id="p", sku_id="s", title="t", unit_price_fen=333, quantity=3)],
        delivery,
        POLICY,
    )

    assert all(
        type(v) is int
        for v in (price.items_fen, price.discount_fen, price.shipping_fen, price.payable_fen)
    )
    assert price.payable_fen == price.items_fen - price.discount_fen + price.shipping_fen


def test_the_default_policy_charges_10_yuan_below_99_yuan() -> None:
    policy = OrderPolicy()

    assert policy.shipping == ShippingPolicy(fee_fen=1000, free_from_fen=9900)
    assert price_order(lines_worth(9899), EXPRESS, policy.shipping).shipping_fen == 1000
    assert price_order(lines_worth(9900), EXPRESS, policy.shipping).shipping_fen == 0
