"""Checkout pricing: a pure function over order lines.

Order of application: line totals -> discounts -> shipping. All amounts are
integer fen; there is nothing to round at this stage because every step adds or
subtracts whole fen.
"""

from __future__ import annotations

from dataclasses import dataclass

from .values import Delivery, OrderLine, PriceBreakdown


@dataclass(frozen=True)
class ShippingPolicy:
    fee_fen: int = 1000
    free_from_fen: int = 9900


def price_order(
    lines: list[OrderLine], delivery: Delivery, shipping: ShippingPolicy
) -> PriceBreakdown:
    items = sum(line.total_fen for line in lines)
    discount = 0
    after_discount = items - discount
    if delivery.is_pickup or after_discount >= shipping.free_from_fen:
        shipping_fen = 0
    else:
        shipping_fen = shipping.fee_fen
    return PriceBreakdown(
        items_fen=items,
        discount_fen=discount,
        shipping_fen=shipping_fen,
        payable_fen=after_discount + shipping_fen,
    )
